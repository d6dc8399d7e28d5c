import { setTimeout as delay } from 'node:timers/promises';
import type { OwnerJobStatus } from '../../ownerJobs';
import type { OwnerJobReply } from './ownerJobRoutes';

/** Sends one request to the owner with its token (GET without a body) and answers its JSON reply; throws what it refused with. */
export type OwnerJobRequest = (path: string, body?: unknown) => Promise<unknown>;

/** How often a guest asks the owner how its job is going: a progress bar moves at this pace. */
const pollMs = 300;

/**
 * The guest's side of `ownerJobRoutes`: starts the job at the owner with `args`, tells each new
 * progress update, and resolves with the job's result. Aborting `signal` cancels the job at the
 * owner and waits until it has stopped, so that what is reported is what happened: a job that
 * ended cancelled rejects with the abort's reason; one that had got past its point of no return
 * (an import whose write had committed) resolves with its result.
 */
export async function followOwnerJob<Update, Result>(
  request: OwnerJobRequest,
  prefix: string,
  args: unknown,
  options: { readonly signal: AbortSignal; readonly onProgress: (update: Update) => void },
): Promise<Result> {
  const { signal, onProgress } = options;
  const ask = async (operation: string, body?: unknown) => ((await request(`${prefix}${operation}`, body)) as OwnerJobReply<Update, Result>).job;
  let job: OwnerJobStatus<Update, Result> = await ask('start', args);
  let shown = '';
  let cancelAsked = false;
  for (;;) {
    const progress = job.progress === undefined ? '' : JSON.stringify(job.progress);
    if (progress !== shown && job.progress !== undefined) {
      shown = progress;
      onProgress(job.progress);
    }
    if (job.state === 'finished') return job.result as Result;
    if (job.state === 'failed') throw new Error(job.error ?? 'the job failed in the RunLens process that owns the store');
    if (job.state === 'cancelled') throw signal.reason ?? new Error('the job was cancelled in the RunLens process that owns the store');
    if (signal.aborted && !cancelAsked) {
      cancelAsked = true;
      job = await ask('cancel', { jobId: job.jobId });
      continue;
    }
    // A Cancel cuts the wait short, so that it reaches the owner at once, not up to a poll later, when a short
    // import write may already have committed; once it is asked, the owner is polled at the usual pace.
    await delay(pollMs, undefined, cancelAsked ? {} : { signal }).catch(() => undefined);
    if (signal.aborted && !cancelAsked) continue;
    job = await ask(`progress?jobId=${encodeURIComponent(job.jobId)}`);
  }
}

