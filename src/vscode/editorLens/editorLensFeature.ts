import type { RunSourceDocuments } from '../runs/runSourceDocuments';
import type { RunsViewState } from '../runs/runsViewState';
import { Disposable } from '../disposable';
import type { WorkspaceSessions } from '../workspaceSessions';
import { registerBestRunDiff } from './bestRunDiff';
import { BestRunGutter } from './bestRunGutter';
import { FileRunsCache } from './fileRunsCache';
import { StoreFileRunsReader } from './fileRunsReader';
import { LoggedKeyHover } from './loggedKeyHover';
import { RunSummaryLens } from './runSummaryLens';

/** For tests: how many store reads the editor features made, and a refresh without the coalescing wait. */
export interface EditorLensApi {
  storeReads(): number;
  refresh(): Promise<void>;
}

/**
 * The editor knows your experiments: the summary lens above a script's entry points, hovers on the
 * keys it logs, and the diff against its best run (command, and an optional gutter). All of them
 * answer from one per-file cache of the store's runs, refreshed on the store's change events.
 */
export class EditorLensFeature extends Disposable {
  readonly api: EditorLensApi;

  constructor(
    sessions: WorkspaceSessions,
    sources: RunSourceDocuments,
    choices: RunsViewState,
  ) {
    super();
    const reader = new StoreFileRunsReader();
    const cache = this.register(new FileRunsCache(sessions, reader, (experimentId) => choices.primaryMetric(experimentId)));
    // The person chose another primary metric in the Runs view: the best runs are others now.
    this.register(choices.onDidChange((what) => what === 'primaryMetric' && void cache.refreshNow()));
    this.register(new RunSummaryLens(cache));
    this.register(new LoggedKeyHover(cache));
    this.register(registerBestRunDiff({ sessions, cache, reader, sources }));
    this.register(new BestRunGutter({ sessions, cache, sources }));
    this.api = { storeReads: () => reader.reads, refresh: () => cache.refreshNow() };
  }
}
