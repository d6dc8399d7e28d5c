import { randomBytes } from 'node:crypto';

/** 32 lowercase hex digits, the shape of MLflow's run ids (uuid4().hex). */
export function newRunId(): string {
  return randomBytes(16).toString('hex');
}

/** `m-` and 32 hex digits, the shape of MLflow 3's logged model ids. */
export function newLoggedModelId(): string {
  return `m-${randomBytes(16).toString('hex')}`;
}

export function newDatasetId(): string {
  return randomBytes(16).toString('hex');
}
