import { RequestType } from '../messages';
import type { RunRef } from './shapes';

/** An experiment on the browser mode's start page. */
export interface ExperimentSummary {
  readonly experimentId: string;
  readonly name: string;
  readonly runCount: number;
}

/** The browser mode's start page: experiments (links to their dashboards) and the newest runs. */
export interface IndexModel {
  readonly experiments: readonly ExperimentSummary[];
  readonly runs: readonly RunRef[];
}
export type IndexParams = Record<string, never>;
/** Answered by the browser host (`runlens serve`); VS Code has the Runs view instead. */
export const IndexRequest = new RequestType<IndexParams, IndexModel>('index/get');
