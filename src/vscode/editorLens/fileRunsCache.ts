import path from 'node:path';
import * as vscode from 'vscode';
import type { FileRuns } from '../../core/editorLens/fileRuns';
import { Disposable } from '../disposable';
import { ChangeThrottle } from '../runs/changeThrottle';
import type { TrackingSession } from '../trackingSession';
import type { WorkspaceSessions } from '../workspaceSessions';
import type { FileRunsReader } from './fileRunsReader';
import { hoverRows } from './fileRunsText';
import { fileRunsRefreshTiming } from './refreshTiming';

/** One file's runs as last read, and the metric histories its hovers asked for. */
interface Entry {
  readonly session: TrackingSession;
  readonly sourceNames: readonly string[];
  runs: Promise<FileRuns | undefined>;
  fingerprint: string;
  readonly histories: Map<string, Promise<number[]>>;
}

/**
 * The runs of each open Python file, read once in the background and kept: lenses and hovers are
 * answered from here, so typing never reads the store. After the store's change events (coalesced
 * as the Runs view coalesces them) the open files are read again, and `onDidChange` fires only for
 * those whose runs changed. A closed file is forgotten.
 */
export class FileRunsCache extends Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** Fires after a refresh changed what some file's lens or hovers show. */
  readonly onDidChange = this.changed.event;
  private readonly throttle = this.register(new ChangeThrottle(() => this.refresh(), fileRunsRefreshTiming));
  private subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly sessions: WorkspaceSessions,
    private readonly reader: FileRunsReader,
    private readonly chosenPrimaryMetric: (experimentId: string) => string | undefined,
  ) {
    super();
    this.follow();
    this.register(sessions.onDidChangeFolders(() => this.follow()));
    this.register({ dispose: () => this.subscriptions.forEach((s) => s.dispose()) });
    this.register(vscode.workspace.onDidCloseTextDocument((document) => this.entries.delete(document.uri.toString())));
  }

  /** The file's runs: from the cache, or read now (once, however many ask at the same time). */
  runsOf(uri: vscode.Uri): Promise<FileRuns | undefined> {
    const key = uri.toString();
    const cached = this.entries.get(key);
    if (cached) return cached.runs;
    const session = this.sessions.forUri(uri);
    if (!session?.folder || uri.scheme !== 'file') return Promise.resolve(undefined);
    const entry: Entry = { session, sourceNames: sourceNamesOf(uri, session.folder), runs: Promise.resolve(undefined), fingerprint: '', histories: new Map() };
    entry.runs = this.read(entry);
    this.entries.set(key, entry);
    return entry.runs;
  }

  /** A metric's values in one run of the file, read once until the file's runs change. */
  metricValues(uri: vscode.Uri, runId: string, key: string): Promise<number[]> {
    const entry = this.entries.get(uri.toString());
    if (!entry) return Promise.resolve([]);
    const id = JSON.stringify([runId, key]);
    let values = entry.histories.get(id);
    if (!values) {
      values = this.reader.metricValues(entry.session, runId, key).catch(() => []);
      entry.histories.set(id, values);
    }
    return values;
  }

  /** Reads every open file again now (the primary metric was chosen, or a test wants it at once). */
  refreshNow(): Promise<void> {
    return this.refresh();
  }

  private async read(entry: Entry): Promise<FileRuns | undefined> {
    const runs = await this.reader
      .fileRuns(entry.session, { sourceNames: entry.sourceNames, recent: hoverRows * 2, chosenPrimaryMetric: this.chosenPrimaryMetric })
      .catch(() => undefined);
    entry.fingerprint = fingerprintOf(runs);
    return runs;
  }

  private async refresh(): Promise<void> {
    let changed = false;
    for (const entry of [...this.entries.values()]) {
      const before = entry.fingerprint;
      const runs = await this.read(entry);
      if (entry.fingerprint === before) continue;
      entry.runs = Promise.resolve(runs);
      entry.histories.clear();
      changed = true;
    }
    if (changed) this.changed.fire();
  }

  private follow(): void {
    this.subscriptions.forEach((s) => s.dispose());
    // Lenses show runs (and their experiments' metrics): writes to the registry or traces leave them as they are.
    this.subscriptions = this.sessions.all().map((session) => session.onDidChange((changes) => (changes.touchesRuns || changes.touches('experiments')) && this.throttle.schedule()));
  }
}

/**
 * The names a file's runs carry in `mlflow.source.name`: the workspace-relative path RunLens's
 * launcher records, and the absolute path a script run by hand may have as its argv[0].
 */
export function sourceNamesOf(uri: vscode.Uri, folder: vscode.WorkspaceFolder): string[] {
  const relative = path.relative(folder.uri.fsPath, uri.fsPath).split(path.sep).join('/');
  return [relative, uri.fsPath];
}

/** What the lens and hovers show changes exactly when this does. */
function fingerprintOf(runs: FileRuns | undefined): string {
  if (!runs) return '';
  const run = (r: FileRuns['recent'][number]) => [r.info.run_id, r.info.run_name, r.info.status, r.info.end_time, r.data.metrics, r.data.params];
  return JSON.stringify([runs.total, runs.primary, runs.best && run(runs.best), runs.recent.map(run)]);
}
