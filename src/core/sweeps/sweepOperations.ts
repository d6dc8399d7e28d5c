import path from 'node:path';
import { ErrorCode, MlflowError, invalidParameter } from '../errors';
import { pidOf } from '../launches/launchOperations';
import { isProcessAlive } from '../launches/processAlive';
import { jsonOperation, type OperationArgs, type OperationResult } from '../operations/jsonOperations';
import { optionalStringOf, stringOf } from '../store/storeOperations';
import type { TrackingStore } from '../store/trackingStore';
import { invalidValueMessage } from '../validation';
import { describeProgress, progressOf, SweepQueue, type PointState, type PointStatus } from './sweepQueue';
import {
  holdSweep,
  insertSweep,
  runningPointLaunches,
  savePoint,
  setSweepState,
  sweepById,
  sweepHolder,
  sweepOfParentRun,
  sweepPoints,
  takeBackSweeps,
  type PointLaunch,
  type PointProgress,
  type SweepRecord,
} from './sweepRecords';
import { valuesToLog } from './sweepParams';
import { expandSweep, SweepSpecError, validateSweepSpec, type SweepSpec } from './sweepSpec';
import { SweepTag } from './sweepTags';

const operation = jsonOperation<TrackingStore>();

/** A sweep as the store keeps it, with its points as they stand. */
export interface StoredSweep {
  readonly record: SweepRecord;
  readonly points: PointState[];
}

/** A sweep a window takes back, with the launches of the points its queue had running. */
export interface TakenBackSweep extends StoredSweep {
  readonly launches: PointLaunch[];
}

/**
 * What the sweep queue asks of the store, in one table: a window that owns the store runs them in
 * process, a guest window asks the owner process to run the same ones
 * (`POST /api/2.0/runlens/sweep/<name>`). The queue itself runs in the window whose extension
 * host (`holderPid`) holds the sweep; when that process is gone, the next window takes it back.
 */
export const sweepOperations = {
  /** Expands the spec, makes the parent run (its experiment when missing) and records the sweep with its points queued. */
  start: operation(
    (body) => ({
      sweepId: sweepIdOf(body),
      script: stringOf(body, 'script'),
      spec: specOf(body.spec),
      concurrency: concurrencyOf(body.concurrency),
      experimentName: stringOf(body, 'experimentName'),
      runName: optionalStringOf(body, 'runName'),
      sourceName: stringOf(body, 'sourceName'),
      holderPid: pidOf(body.holderPid, 'holderPid'),
    }),
    (tracking, args): StoredSweep => {
      const points = SweepQueue.queued(expanded(args.spec));
      const experimentId = tracking.getExperimentByName(args.experimentName)?.experiment_id ?? tracking.createExperiment({ name: args.experimentName });
      const parent = tracking.createRun({
        experimentId,
        runName: args.runName ?? `sweep ${path.basename(args.script)} (${points.length} runs)`,
        tags: [
          { key: SweepTag.Progress, value: describeProgress(progressOf(points)) },
          { key: 'mlflow.source.name', value: args.sourceName },
        ],
      });
      const record: SweepRecord = {
        sweepId: args.sweepId,
        parentRunId: parent.info.run_id,
        script: args.script,
        spec: args.spec,
        concurrency: args.concurrency,
        state: 'active',
        createdTime: Date.now(),
      };
      insertSweep(tracking.db, record, points, args.holderPid);
      return { record, points };
    },
  ),
  /** Keeps where a point is, and the parent run's progress tag. */
  savePoint: operation(
    (body) => ({ sweepId: sweepIdOf(body), point: pointProgressOf(body.point) }),
    (tracking, { sweepId, point }) => {
      const record = known(tracking, sweepId);
      savePoint(tracking.db, sweepId, point);
      tracking.setTag(record.parentRunId, SweepTag.Progress, describeProgress(progressOf(sweepPoints(tracking.db, sweepId))));
      return {};
    },
  ),
  /**
   * A window that came back (reloaded, or its extension host restarted) takes back the sweeps whose
   * queue has not ended and whose holder is gone, oldest first, with their points and the launches
   * of the points that were running; `heldElsewhere` counts those a live process still runs.
   */
  takeBack: operation(
    (body) => ({ holderPid: pidOf(body.holderPid, 'holderPid') }),
    (tracking, { holderPid }) => {
      const { taken, heldElsewhere } = takeBackSweeps(tracking.db, holderPid, isProcessAlive);
      const sweeps = taken.map((record): TakenBackSweep => {
        const points = sweepPoints(tracking.db, record.sweepId);
        return { record, points, launches: runningPointLaunches(tracking.db, record, points) };
      });
      return { sweeps, heldElsewhere };
    },
  ),
  /** Takes up a sweep again (Retry failed), for `holderPid` to run; refused while another live process runs it. */
  reopen: operation(
    (body) => ({ sweepId: sweepIdOf(body), holderPid: pidOf(body.holderPid, 'holderPid') }),
    (tracking, { sweepId, holderPid }): StoredSweep => {
      const record = known(tracking, sweepId);
      const holder = sweepHolder(tracking.db, sweepId);
      if (record.state === 'active' && holder !== undefined && holder !== holderPid && isProcessAlive(holder)) {
        throw new MlflowError(ErrorCode.InvalidState, `Sweep ${sweepId} is running in another VS Code window (process ${holder}): retry it there.`);
      }
      setSweepState(tracking.db, sweepId, 'active');
      holdSweep(tracking.db, sweepId, holderPid);
      return { record: { ...record, state: 'active' }, points: sweepPoints(tracking.db, sweepId) };
    },
  ),
  /** The queue went idle: the sweep ends, and its parent run with the status its points earned. */
  end: operation(
    (body) => ({ sweepId: sweepIdOf(body), status: parentStatusOf(body.status) }),
    (tracking, { sweepId, status }) => {
      const record = known(tracking, sweepId);
      setSweepState(tracking.db, sweepId, 'ended');
      tracking.updateRun(record.parentRunId, { status, endTime: Date.now() });
      return {};
    },
  ),
  /** The sweep a parent run groups, if it is one. */
  sweepOfParentRun: operation(
    (body) => ({ runId: stringOf(body, 'runId') }),
    (tracking, { runId }) => {
      const record = sweepOfParentRun(tracking.db, runId);
      return record ? { sweepId: record.sweepId } : {};
    },
  ),
  /**
   * The varied values as params of a point's run, where the script did not log them itself (the
   * dashboard's axes). Called after the script ended, so they never clash with its own log_param.
   */
  recordValues: operation(
    (body) => ({ runId: stringOf(body, 'runId'), values: valuesOf(body.values) }),
    (tracking, { runId, values }) => {
      for (const { key, value } of valuesToLog(tracking.getRun(runId), values)) tracking.logParam(runId, key, value);
      return {};
    },
  ),
} as const;

export type SweepOperations = typeof sweepOperations;
export type SweepOperationName = keyof SweepOperations;
export type SweepOperationArgs<K extends SweepOperationName> = OperationArgs<SweepOperations, K>;
export type SweepOperationResult<K extends SweepOperationName> = OperationResult<SweepOperations, K>;

const pointStatuses: readonly PointStatus[] = ['queued', 'running', 'finished', 'failed', 'stopped'];
const parentStatuses = ['FINISHED', 'FAILED', 'KILLED'] as const;

function known(tracking: TrackingStore, sweepId: string): SweepRecord {
  const record = sweepById(tracking.db, sweepId);
  if (!record) throw new MlflowError(ErrorCode.ResourceDoesNotExist, `RunLens has no sweep ${sweepId}.`);
  return record;
}

/** The spec's points; a spec too large to run is the caller's mistake, said as such. */
function expanded(spec: SweepSpec): ReturnType<typeof expandSweep> {
  try {
    return expandSweep(spec);
  } catch (error) {
    throw SweepSpecError.is(error) ? invalidParameter(`The sweep cannot run: ${error.message}`) : error;
  }
}

function specOf(value: unknown): SweepSpec {
  try {
    return validateSweepSpec(value);
  } catch (error) {
    throw SweepSpecError.is(error) ? invalidParameter(`Invalid sweep spec: ${error.message}`) : error;
  }
}

function sweepIdOf(body: Readonly<Record<string, unknown>>): string {
  const sweepId = stringOf(body, 'sweepId');
  if (!/^[0-9a-f]{32}$/.test(sweepId)) throw invalidParameter(invalidValueMessage('sweepId', sweepId, 'expected 32 lowercase hex digits'));
  return sweepId;
}

function concurrencyOf(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw invalidParameter(invalidValueMessage('concurrency', value, 'expected a whole number from 1'));
  return value;
}

function wholeNumberOf(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw invalidParameter(invalidValueMessage(name, value, 'expected a whole number from 0'));
  return value;
}

function pointProgressOf(value: unknown): PointProgress {
  const point = value as Record<string, unknown> | undefined;
  if (typeof point !== 'object' || point === null || Array.isArray(point)) throw invalidParameter(invalidValueMessage('point', value, 'expected {index, status, attempts, runId}'));
  if (!pointStatuses.includes(point.status as PointStatus)) throw invalidParameter(invalidValueMessage('point.status', point.status, `expected one of ${pointStatuses.join(', ')}`));
  const runId = optionalStringOf(point, 'runId');
  return {
    index: wholeNumberOf(point.index, 'point.index'),
    status: point.status as PointStatus,
    attempts: wholeNumberOf(point.attempts, 'point.attempts'),
    ...(runId ? { runId } : {}),
  };
}

function parentStatusOf(value: unknown): (typeof parentStatuses)[number] {
  if (!parentStatuses.includes(value as (typeof parentStatuses)[number])) throw invalidParameter(invalidValueMessage('status', value, `expected one of ${parentStatuses.join(', ')}`));
  return value as (typeof parentStatuses)[number];
}

function valuesOf(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.values(value).every((item) => typeof item === 'string')) {
    throw invalidParameter(invalidValueMessage('values', value, 'expected {name: text}'));
  }
  return value as Record<string, string>;
}
