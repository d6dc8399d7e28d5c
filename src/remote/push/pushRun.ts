import type { Run } from '../../core/entities';
import { artifactFilesOf } from '../../core/export/artifactFiles';
import { seriesOfRun } from '../../core/store/tracking/seriesReads';
import { createOnce } from '../client/createOnce';
import { RemoteError } from '../client/mlflowRestClient';
import { artifactsFingerprint, uploadMissingArtifacts } from './pushArtifacts';
import type { PushContext } from './pushContext';
import { pushLoggedModels } from './pushLoggedModels';
import type { RemoteRun } from '../client/remoteEntities';
import { pushableTags, readRunCursor, sourceRunTag, tagValue, type RunCursor } from '../client/syncTags';

/** MLflow's log-batch limits (mlflow/utils/validation.py). */
const batchLimits = { metrics: 1000, params: 100, tags: 100 } as const;

/**
 * Pushes one local run: finds or creates its run on the server, then sends what the server lacks
 * (params and tags it does not hold, logged models, metric points past the cursor, inputs and
 * outputs, artifact files, status and end time). The cursor moves after each acknowledged batch,
 * so a push that stops anywhere resumes there. Every request but the creates is one the server can
 * take twice (MLflow's stores do not store a repeated metric point or param again), so retrying
 * after a lost reply is harmless; creates look first for what a lost reply created (createOnce).
 * Returns whether anything was sent.
 */
export async function pushRun(ctx: PushContext, runId: string): Promise<boolean> {
  const before = { ...ctx.counts };
  const run = ctx.tracking.getRun(runId);
  if (run.info.lifecycle_stage !== 'active') throw new Error('the run is deleted; restore it to push it');
  const experimentId = await ctx.experiments.idFor(ctx.tracking.getExperiment(run.info.experiment_id));
  const remote = (await mappedRun(ctx, run)) ?? (await foundOrCreatedRun(ctx, run, experimentId));
  const cursor = new CursorTag(ctx, runId, readRunCursor(run.data.tags, ctx.keys, remote.info.run_id));

  await pushParamsAndTags(ctx, run, remote);
  const modelIds = await pushLoggedModels(ctx, runId, experimentId, remote.info.run_id);
  await pushMetrics(ctx, runId, cursor, modelIds);
  const linked = await pushInputsAndOutputs(ctx, run, remote, modelIds);
  await pushArtifacts(ctx, run, remote, cursor);
  const updated = await pushStatus(ctx, run, remote);
  const counted = (Object.keys(before) as (keyof typeof before)[]).some((key) => ctx.counts[key] !== before[key]);
  return counted || linked || updated;
}

/** The run's cursor, written to its tag each time it moves (a journaled write: it survives a crash). */
class CursorTag {
  constructor(
    private readonly ctx: PushContext,
    private readonly runId: string,
    public value: RunCursor,
  ) {}

  move(change: Partial<Omit<RunCursor, 'remoteRunId'>>): void {
    this.value = { ...this.value, ...change };
    this.ctx.tracking.setTag(this.runId, this.ctx.keys.cursor, JSON.stringify(this.value));
  }
}

/** The run this one was pushed as before, if the server still has it. */
async function mappedRun(ctx: PushContext, run: Run): Promise<RemoteRun | undefined> {
  const remoteId = tagValue(run.data.tags, ctx.keys.runId);
  if (remoteId === undefined) return undefined;
  let remote: RemoteRun;
  try {
    remote = (await ctx.client.get<{ run: RemoteRun }>('runs/get', { run_id: remoteId, run_uuid: remoteId })).run;
  } catch (error) {
    if (RemoteError.is(error, 'RESOURCE_DOES_NOT_EXIST')) return undefined;
    throw error;
  }
  if (remote.info.lifecycle_stage === 'deleted') {
    throw new Error(`its copy on the server (run ${remoteId}) was deleted there; restore it, or remove the tag ${ctx.keys.runId} to push a new copy`);
  }
  return remote;
}

/**
 * A run created by a request whose reply was lost carries the local run's id in a tag: it is found
 * rather than created again. The mapping is written to the local run before any data goes out.
 */
async function foundOrCreatedRun(ctx: PushContext, run: Run, experimentId: string): Promise<RemoteRun> {
  const { info } = run;
  const remote = await createOnce(
    ctx.client,
    async () =>
      (
        await ctx.client.post<{ runs?: RemoteRun[] }>('runs/search', {
          experiment_ids: [experimentId],
          filter: `tags.\`${sourceRunTag}\` = '${info.run_id}'`,
          run_view_type: 'ACTIVE_ONLY',
          max_results: 1,
        })
      ).runs?.[0],
    async () =>
      (
        await ctx.client.postOnce<{ run: RemoteRun }>('runs/create', {
          experiment_id: experimentId,
          run_name: info.run_name,
          start_time: info.start_time,
          user_id: info.user_id,
          tags: [{ key: sourceRunTag, value: info.run_id }],
        })
      ).run,
  );
  // Found or created, it is this push that made it (a found one by a create whose reply was lost).
  ctx.counts.runsCreated += 1;
  ctx.tracking.setTag(info.run_id, ctx.keys.runId, remote.info.run_id);
  return remote;
}

/** Params the server lacks, and tags it lacks or holds with another value; a param it holds with another value is noted, not sent. */
async function pushParamsAndTags(ctx: PushContext, run: Run, remote: RemoteRun): Promise<void> {
  const remoteParams = new Map((remote.data?.params ?? []).map((p) => [p.key, p.value]));
  const params = (run.data.params ?? []).filter((param) => {
    const held = remoteParams.get(param.key);
    if (held !== undefined && held !== param.value) {
      ctx.notes.push({ subject: `run ${run.info.run_id}`, message: `param '${param.key}' is '${held}' on the server, '${param.value}' here; left as it is` });
    }
    return held === undefined;
  });
  const remoteTags = new Map((remote.data?.tags ?? []).map((t) => [t.key, t.value]));
  const tags = pushableTags(run.data.tags).filter((tag) => remoteTags.get(tag.key) !== tag.value);
  for (let p = 0, t = 0; p < params.length || t < tags.length; p += batchLimits.params, t += batchLimits.tags) {
    ctx.signal?.throwIfAborted();
    await ctx.client.post('runs/log-batch', {
      run_id: remote.info.run_id,
      params: params.slice(p, p + batchLimits.params),
      tags: tags.slice(t, t + batchLimits.tags),
    });
  }
  ctx.counts.params += params.length;
  ctx.counts.tags += tags.length;
}

/** Each history's points past the cursor, in the order they were logged, in log-batch chunks; the cursor moves after each acknowledged chunk. */
async function pushMetrics(ctx: PushContext, runId: string, cursor: CursorTag, modelIds: ReadonlyMap<string, string>): Promise<void> {
  const db = ctx.tracking.db;
  type Link = [key: string, seq: number, modelId: string | null, datasetName: string | null, datasetDigest: string | null];
  const links = new Map<string, Link>();
  for (const link of db.values('SELECT key, seq, model_id, dataset_name, dataset_digest FROM metrics WHERE run_id = ?', [runId]) as Link[]) {
    links.set(`${link[1]}\u0000${link[0]}`, link);
  }
  const allSeries = seriesOfRun(db, runId);
  const total = allSeries.reduce((n, series) => n + Math.max(0, series.count - (cursor.value.points[series.seriesId] ?? 0)), 0);
  let sent = 0;
  for (const series of allSeries) {
    for (let start = cursor.value.points[series.seriesId] ?? 0; start < series.count; ) {
      ctx.signal?.throwIfAborted();
      const chunk = db.series.read(series, start, Math.min(batchLimits.metrics, series.count - start));
      const metrics = Array.from(chunk.steps, (step, i) => {
        const link = links.get(`${start + i}\u0000${series.key}`);
        const remoteModel = link?.[2] ? modelIds.get(link[2]) : undefined;
        return {
          key: series.key,
          value: chunk.values[i],
          timestamp: chunk.timestamps[i],
          step,
          ...(remoteModel ? { model_id: remoteModel } : {}),
          ...(link?.[3] && link[4] ? { dataset_name: link[3], dataset_digest: link[4] } : {}),
        };
      });
      sent += metrics.length;
      ctx.onActivity?.(`run ${runId}: metric points ${sent} of ${total}`);
      await ctx.client.post('runs/log-batch', { run_id: cursor.value.remoteRunId, metrics });
      start += metrics.length;
      cursor.move({ points: { ...cursor.value.points, [series.seriesId]: start } });
      ctx.counts.metricPoints += metrics.length;
    }
  }
}

/** Returns whether anything was sent. */
async function pushInputsAndOutputs(ctx: PushContext, run: Run, remote: RemoteRun, modelIds: ReadonlyMap<string, string>): Promise<boolean> {
  const remoteRunId = remote.info.run_id;
  const held = new Set((remote.inputs?.dataset_inputs ?? []).map((input) => `${input.dataset.name}\0${input.dataset.digest}`));
  const datasets = (run.inputs.dataset_inputs ?? []).filter((input) => !held.has(`${input.dataset.name}\0${input.dataset.digest}`));
  const heldModels = new Set((remote.inputs?.model_inputs ?? []).map((input) => input.model_id));
  const models = (run.inputs.model_inputs ?? [])
    .map((input) => modelIds.get(input.model_id))
    .filter((id): id is string => id !== undefined && !heldModels.has(id));
  if (datasets.length > 0 || models.length > 0) {
    await ctx.client.post('runs/log-inputs', {
      run_id: remoteRunId,
      datasets: datasets.map((input) => ({ tags: input.tags ?? [], dataset: input.dataset })),
      ...(models.length > 0 ? { models: models.map((id) => ({ model_id: id })) } : {}),
    });
  }
  const heldOutputs = new Set((remote.outputs?.model_outputs ?? []).map((output) => output.model_id));
  const outputs = (run.outputs.model_outputs ?? [])
    .map((output) => ({ model_id: modelIds.get(output.model_id), step: output.step }))
    .filter((output): output is { model_id: string; step: number } => output.model_id !== undefined && !heldOutputs.has(output.model_id));
  if (outputs.length > 0) await ctx.client.post('runs/outputs', { run_id: remoteRunId, models: outputs });
  return datasets.length + models.length + outputs.length > 0;
}

/** Skipped whole when the files are as they were at the last complete upload (the cursor's fingerprint). */
async function pushArtifacts(ctx: PushContext, run: Run, remote: RemoteRun, cursor: CursorTag): Promise<void> {
  const files = artifactFilesOf(ctx.artifacts, run.info.artifact_uri);
  if (!files) {
    ctx.notes.push({ subject: `run ${run.info.run_id}`, message: `its artifacts at ${run.info.artifact_uri} are not on this machine; not pushed` });
    return;
  }
  const entries = await files.list();
  const fingerprint = artifactsFingerprint(entries);
  if (cursor.value.artifacts === fingerprint) return;
  if (entries.length > 0) {
    ctx.onActivity?.(`run ${run.info.run_id}: ${entries.length} artifact files`);
    await uploadMissingArtifacts(ctx.client, entries, files, remote.info.artifact_uri ?? '', ctx.counts, ctx.signal);
  }
  cursor.move({ artifacts: fingerprint });
}

/** Last, so that a finished run on the server means every part of it arrived. Returns whether it was sent. */
async function pushStatus(ctx: PushContext, run: Run, remote: RemoteRun): Promise<boolean> {
  const endTime = run.info.end_time;
  const remoteEnd = remote.info.end_time === undefined ? undefined : Number(remote.info.end_time);
  if (remote.info.status === run.info.status && remoteEnd === endTime) return false;
  await ctx.client.post('runs/update', {
    run_id: remote.info.run_id,
    run_uuid: remote.info.run_id,
    status: run.info.status,
    ...(endTime === undefined ? {} : { end_time: endTime }),
  });
  return true;
}
