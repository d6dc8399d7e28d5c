import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import type { Database } from '../../../../src/core/store/database';

/** Every entry under `dir` (recursively, links not followed) with what it is: to compare before and after. */
export function diskSnapshot(dir: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const full = path.join(dir, name);
    const info = lstatSync(full);
    entries[name] = info.isSymbolicLink()
      ? `link -> ${readlinkSync(full)}`
      : info.isDirectory()
        ? 'dir'
        : `file ${info.size} ${createHash('sha256').update(readFileSync(full)).digest('hex')}`;
  }
  return entries;
}

/** The row count of every table in the store. */
export function storeCounts(db: Database): Record<string, number> {
  const tables = db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    // Table names come from sqlite_master, not from any request.
    counts[name] = db.get<{ n: number }>(`SELECT count(*) AS n FROM "${name.replace(/"/g, '""')}"`)?.n ?? -1;
  }
  return counts;
}
