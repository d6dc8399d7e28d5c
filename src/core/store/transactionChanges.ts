import { StoreChanges, type StoreArea } from './storeChange';

/** Which part of the store a table belongs to, as the views see it; 'runs' for a run's own rows. */
type TableArea = StoreArea | 'runs' | 'internal';

const tableAreas: Readonly<Record<string, TableArea>> = {
  runs: 'runs',
  tags: 'runs',
  params: 'runs',
  metrics: 'runs',
  latest_metrics: 'runs',
  run_inputs: 'runs',
  run_model_inputs: 'runs',
  run_outputs: 'runs',
  datasets: 'runs',
  experiments: 'experiments',
  experiment_tags: 'experiments',
  registered_models: 'registry',
  registered_model_tags: 'registry',
  registered_model_aliases: 'registry',
  model_versions: 'registry',
  model_version_tags: 'registry',
  logged_models: 'loggedModels',
  logged_model_tags: 'loggedModels',
  logged_model_params: 'loggedModels',
  logged_model_metrics: 'loggedModels',
  launches: 'launches',
  sweeps: 'launches',
  sweep_points: 'launches',
  _runlens_meta: 'internal',
};

/** The table a statement writes: INSERT [OR x] INTO t, REPLACE INTO t, UPDATE [OR x] t, DELETE FROM t. */
const writtenTable = /^\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+["`]?(\w+)/i;

/** Statement texts are few (placeholders, not values), so their areas are remembered; the cap bounds odd callers. */
const areaCacheLimit = 2_000;

/**
 * What one transaction changed, for `Database.onDidWrite`. Areas other than runs come from the
 * tables its statements write, so no writer has to remember to say them. Runs are named by the
 * writer (`WriteTransaction.noteRun`), which knows them; a transaction that wrote runs' rows and
 * named none (an import, a migration) is taken to have changed every run. A statement on a table
 * not listed here (a table added later) counts as "everything changed": a view reads too much, never
 * too little.
 */
export class TransactionChanges {
  private current = new StoreChanges();
  private wroteRunRows = false;
  private readonly areaOf = new Map<string, TableArea | undefined>();

  begin(): void {
    this.current = new StoreChanges();
    this.wroteRunRows = false;
  }

  noteRun(runId: string, listChangedIn?: string): void {
    this.current.addRun(runId);
    if (listChangedIn !== undefined) this.current.addRunList(listChangedIn);
  }

  /** A statement that changed rows was run. */
  statement(sql: string): void {
    let area = this.areaOf.get(sql);
    if (area === undefined && !this.areaOf.has(sql)) {
      if (this.areaOf.size >= areaCacheLimit) this.areaOf.clear();
      const table = writtenTable.exec(sql)?.[1]?.toLowerCase();
      area = table === undefined ? undefined : areaOfTable(table);
      this.areaOf.set(sql, area);
    }
    if (area === undefined) this.current.all = true;
    else if (area === 'runs') this.wroteRunRows = true;
    else if (area !== 'internal') this.current.areas.add(area);
  }

  /** A metric history changed (its points follow `latest_metrics`, which names the run). */
  seriesWritten(): void {
    this.wroteRunRows = true;
  }

  /** What the committed transaction changed. */
  committed(): StoreChanges {
    const changes = this.current;
    if (this.wroteRunRows && changes.runs.size === 0 && changes.runLists.size === 0) changes.markAllRuns();
    return changes;
  }
}

function areaOfTable(table: string): TableArea | undefined {
  if (Object.hasOwn(tableAreas, table)) return tableAreas[table];
  if (table.startsWith('trace') || table === 'assessments') return 'traces';
  if (table.startsWith('evaluation_dataset') || table.startsWith('scorer')) return 'other';
  return undefined;
}
