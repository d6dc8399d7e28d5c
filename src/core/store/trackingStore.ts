import type { Database } from './database';

/** Experiments, runs, params, metrics, tags, inputs, outputs and logged models over the Database. */
export class TrackingStore {
  constructor(readonly db: Database) {}
}
