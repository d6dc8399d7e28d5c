/** The names in a `.runlens/` folder (DESIGN.md, "Data"). */
export const storeFiles = {
  /** The sql.js database image, as of the last checkpoint. */
  database: 'runlens.db',
  /** A checkpoint's image while it is written; renamed over `database` once flushed. */
  databaseTemp: 'runlens.db.tmp',
  /** The prefix of the same for a checkpoint built in a worker thread (`.<pid>.<n>` follows: a close may checkpoint meanwhile). */
  databaseTempInBackground: 'runlens.db.tmp-background',
  /** The writes since the last checkpoint (journal.ts). */
  journal: 'journal',
  /** Which process owns the store (ownership.ts). */
  owner: 'owner.json',
  /** Full metric histories, one folder per run (series/seriesFiles.ts). */
  metrics: 'metrics',
  artifacts: 'artifacts',
  /** Span payloads, one file per trace (core/traces/spanFiles.ts). */
  traces: 'traces',
  gitignore: '.gitignore',
} as const;
