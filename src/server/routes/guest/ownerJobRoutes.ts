import { ErrorCode, invalidParameter, MlflowError, notFound } from '../../../core/errors';
import { OwnerJobBusyError, OwnerJobs, type OwnerJobStatus } from '../../ownerJobs';
import type { Route } from '../../route';
import { ownerTokenOnly } from './guestRoutes';

/** Every reply of a job's routes: the job as it stands. */
export interface OwnerJobReply<Update, Result> {
  readonly job: OwnerJobStatus<Update, Result>;
}

/** One kind of long work a guest asks the owner for: where its routes are, how its arguments are read, and the work. */
export interface OwnerJobKind<Args, Update, Result> {
  /** `/api/2.0/runlens/<kind>/`: the routes are this, then `start`, `progress` and `cancel`. */
  readonly prefix: string;
  /** Names the work in messages: "an import". */
  readonly what: string;
  /** Reads `start`'s body (untrusted JSON); throws MLflow's INVALID_PARAMETER_VALUE with a clear message on bad input. */
  parse(body: Readonly<Record<string, unknown>>): Args;
  run(args: Args, signal: AbortSignal, onProgress: (update: Update) => void): Promise<Result>;
}

/**
 * The routes of one kind of job that the owner runs for its guests (a window, `runlens push`):
 * `POST start` (the kind's arguments) answers with the job at once; `GET progress?jobId=` with its
 * state, last progress update and, once ended, its result or error; `POST cancel` ({jobId}) stops
 * it. Progress and cancel answer even while an import's long write holds the store. Only the
 * server's own token may call them, never a launched script's. `close` cancels what still runs.
 */
export function ownerJobRoutes<Args, Update, Result>(kind: OwnerJobKind<Args, Update, Result>): { readonly routes: Route[]; close(): Promise<void> } {
  const jobs = new OwnerJobs<Update, Result>(kind.what);
  const known = (status: OwnerJobStatus<Update, Result> | undefined, jobId: string): OwnerJobReply<Update, Result> => {
    if (!status) throw notFound(`No job '${jobId}' (${kind.what}) in this RunLens process: it never started here, or ended long ago.`);
    return { job: status };
  };
  const routes: Route[] = [
    {
      method: 'POST',
      path: `${kind.prefix}start`,
      handler: (context) => {
        ownerTokenOnly(context);
        const args = kind.parse(context.body);
        try {
          return { job: jobs.start((signal, onProgress) => kind.run(args, signal, onProgress)) };
        } catch (error) {
          if (error instanceof OwnerJobBusyError) throw new MlflowError(ErrorCode.InvalidState, error.message);
          throw error;
        }
      },
    },
    {
      method: 'GET',
      path: `${kind.prefix}progress`,
      duringLongWrite: true,
      handler: (context) => {
        ownerTokenOnly(context);
        const jobId = context.query.get('jobId') ?? '';
        return known(jobs.status(jobId), jobId);
      },
    },
    {
      method: 'POST',
      path: `${kind.prefix}cancel`,
      duringLongWrite: true,
      handler: (context) => {
        ownerTokenOnly(context);
        const { jobId } = context.body;
        if (typeof jobId !== 'string') throw invalidParameter("'jobId' (the job to cancel) must be a string.");
        return known(jobs.cancel(jobId), jobId);
      },
    },
  ];
  return { routes, close: () => jobs.close() };
}
