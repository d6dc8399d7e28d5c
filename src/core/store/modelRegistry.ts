import type { Database } from './database';

/** Registered models, model versions, stages and aliases over the Database. */
export class ModelRegistry {
  constructor(readonly db: Database) {}
}
