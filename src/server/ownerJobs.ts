import { randomBytes } from 'node:crypto';

/** Where a job asked of the owner stands. `cancelled` keeps what the job promises on cancel (an import: nothing written). */
export type OwnerJobState = 'running' | 'finished' | 'cancelled' | 'failed';

/** What a guest polls: the state, the last progress update, and at the end the result or the error. */
export interface OwnerJobStatus<Update, Result> {
  readonly jobId: string;
  readonly state: OwnerJobState;
  readonly progress?: Update;
  readonly result?: Result;
  readonly error?: string;
}

/** A job's work: it reports progress, stops when the signal aborts, and resolves with its result. */
export type OwnerJobWork<Update, Result> = (signal: AbortSignal, onProgress: (update: Update) => void) => Promise<Result>;

interface OwnerJob<Update, Result> {
  status: OwnerJobStatus<Update, Result>;
  readonly cancel: AbortController;
  readonly ended: Promise<void>;
}

/** Ended jobs kept for their result, so that a guest polling late still reads how its job ended. */
const endedJobsKept = 20;

/**
 * Long work this process runs for its guests (an import into the store): each runs here, where the
 * store is open, in the background, while the guest polls its progress and may cancel it. One at a
 * time per table: an import's write is one long transaction that every other writer waits for.
 */
export class OwnerJobs<Update, Result> {
  private readonly jobs = new Map<string, OwnerJob<Update, Result>>();

  /** `what` names the work in messages: "an import". */
  constructor(private readonly what: string) {}

  /** Starts `work`; throws `OwnerJobBusyError` while another job of this table runs. */
  start(work: OwnerJobWork<Update, Result>): OwnerJobStatus<Update, Result> {
    const running = [...this.jobs.values()].find((job) => job.status.state === 'running');
    if (running) {
      throw new OwnerJobBusyError(`${this.what} is running in the RunLens process that owns this store (job ${running.status.jobId}): wait for it to end, or cancel it.`);
    }
    const jobId = randomBytes(12).toString('hex');
    const cancel = new AbortController();
    const job: OwnerJob<Update, Result> = {
      status: { jobId, state: 'running' },
      cancel,
      ended: Promise.resolve()
        .then(() =>
          work(cancel.signal, (progress) => {
            job.status = { ...job.status, progress };
          }),
        )
        .then(
          (result) => this.end(job, { state: 'finished', result }),
          (error: unknown) => this.end(job, cancel.signal.aborted ? { state: 'cancelled' } : { state: 'failed', error: messageOf(error) }),
        ),
    };
    this.jobs.set(jobId, job);
    return job.status;
  }

  /** The job's status, or undefined for a job this process does not know (never started, or long ended). */
  status(jobId: string): OwnerJobStatus<Update, Result> | undefined {
    return this.jobs.get(jobId)?.status;
  }

  /**
   * Asks a running job to stop: it ends `cancelled`, or `finished` when it was past the point of no
   * return (an import whose write had committed). Returns the status as it is now (undefined for an unknown job).
   */
  cancel(jobId: string): OwnerJobStatus<Update, Result> | undefined {
    const job = this.jobs.get(jobId);
    if (job?.status.state === 'running') job.cancel.abort();
    return job?.status;
  }

  /** Cancels every running job and waits for them to end: the store closes with no job half done. */
  async close(): Promise<void> {
    const jobs = [...this.jobs.values()];
    for (const job of jobs) job.cancel.abort();
    await Promise.all(jobs.map((job) => job.ended));
  }

  private end(job: OwnerJob<Update, Result>, outcome: Pick<OwnerJobStatus<Update, Result>, 'state' | 'result' | 'error'>): void {
    job.status = { jobId: job.status.jobId, ...(job.status.progress === undefined ? {} : { progress: job.status.progress }), ...outcome };
    const ended = [...this.jobs.values()].filter((other) => other.status.state !== 'running');
    for (const old of ended.slice(0, Math.max(0, ended.length - endedJobsKept))) this.jobs.delete(old.status.jobId);
  }
}

/** Another job of the same table is running. */
export class OwnerJobBusyError extends Error {}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
