import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import type { Migration } from '../../../src/core/store/schema';

/** A fresh folder under the system temp dir, removed when the test ends. */
export function tempDir(t: TestContext, prefix = 'runlens-store-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A schema of one untyped column, so every value is stored exactly as it was bound. */
export const valuesSchema: readonly Migration[] = [
  { version: 1, statements: ['CREATE TABLE vals (id INTEGER PRIMARY KEY, v, w)'] },
];

/** The same schema one version ahead, as a newer RunLens would leave it. */
export const newerValuesSchema: readonly Migration[] = [
  ...valuesSchema,
  { version: 2, statements: ['CREATE TABLE newer_table (x)'] },
];

/** Values that must survive the journal exactly. */
export const awkwardValues: readonly (number | string | Uint8Array | null)[] = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  0,
  1,
  -1,
  2 ** 31,
  -(2 ** 31) - 1,
  Number.MAX_SAFE_INTEGER,
  0.1,
  1e-300,
  null,
  '',
  'plain',
  'ünïcødé ✓ 𝄞',
  'lone \ud800 surrogate',
  new Uint8Array(0),
  new Uint8Array([0, 1, 2, 255, 254, 0]),
];
