import type { LoggedModel } from '../../core/entities';
import { artifactFilesOf } from '../../core/export/artifactFiles';
import { createOnce } from '../client/createOnce';
import { RemoteError } from '../client/mlflowRestClient';
import { artifactsFingerprint, uploadMissingArtifacts } from './pushArtifacts';
import type { PushContext } from './pushContext';
import type { RemoteLoggedModel } from '../client/remoteEntities';
import { pushableTags, sourceModelTag, tagValue } from '../client/syncTags';

/**
 * Pushes the logged models a local run produced (its source run): created on the server under the
 * remote run (once: the model's `modelId` tag remembers it, and a lost reply is found again by the
 * source tag), their files uploaded, then finalized as they are locally. Returns local model id →
 * remote model id, for the run's metrics, inputs and outputs that name models.
 */
export async function pushLoggedModels(
  ctx: PushContext,
  localRunId: string,
  remoteExperimentId: string,
  remoteRunId: string,
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const rows = ctx.tracking.db.all<{ model_id: string }>(
    "SELECT model_id FROM logged_models WHERE source_run_id = ? AND lifecycle_stage = 'active' ORDER BY creation_timestamp_ms, model_id",
    [localRunId],
  );
  for (const { model_id: modelId } of rows) {
    ctx.signal?.throwIfAborted();
    const local = ctx.tracking.getLoggedModel(modelId);
    let remote = await mappedModel(ctx, local);
    if (!remote) {
      remote = await createOnce(
        ctx.client,
        () => foundModel(ctx, local, remoteExperimentId, remoteRunId),
        () => createdModel(ctx, local, remoteExperimentId, remoteRunId),
      );
      ctx.counts.loggedModelsCreated += 1;
      ctx.tracking.setLoggedModelTags(modelId, [{ key: ctx.keys.modelId, value: remote.info.model_id }]);
    }
    const remoteId = remote.info.model_id;
    ids.set(modelId, remoteId);
    await pushModelFiles(ctx, local, remote);
    if (local.info.status === 'LOGGED_MODEL_READY' && remote.info.status !== 'LOGGED_MODEL_READY') {
      await ctx.client.patch(`logged-models/${encodeURIComponent(remoteId)}`, { model_id: remoteId, status: 'LOGGED_MODEL_READY' });
    }
  }
  return ids;
}

async function mappedModel(ctx: PushContext, local: LoggedModel): Promise<RemoteLoggedModel | undefined> {
  const remoteId = tagValue(local.info.tags, ctx.keys.modelId);
  if (remoteId === undefined) return undefined;
  try {
    return (await ctx.client.get<{ model: RemoteLoggedModel }>(`logged-models/${encodeURIComponent(remoteId)}`)).model;
  } catch (error) {
    if (RemoteError.is(error, 'RESOURCE_DOES_NOT_EXIST')) return undefined;
    throw error;
  }
}

async function foundModel(ctx: PushContext, local: LoggedModel, experimentId: string, runId: string): Promise<RemoteLoggedModel | undefined> {
  const reply = await ctx.client.post<{ models?: RemoteLoggedModel[] }>('logged-models/search', {
    experiment_ids: [experimentId],
    filter: `source_run_id = '${runId}'`,
    max_results: 100,
  });
  return reply.models?.find((model) => tagValue(model.info.tags, sourceModelTag) === local.info.model_id);
}

async function createdModel(ctx: PushContext, local: LoggedModel, experimentId: string, runId: string): Promise<RemoteLoggedModel> {
  const { info } = local;
  const reply = await ctx.client.postOnce<{ model: RemoteLoggedModel }>('logged-models', {
    experiment_id: experimentId,
    name: info.name,
    ...(info.model_type ? { model_type: info.model_type } : {}),
    source_run_id: runId,
    params: local.data.params ?? [],
    tags: [...pushableTags(info.tags), { key: sourceModelTag, value: info.model_id }],
  });
  return reply.model;
}

async function pushModelFiles(ctx: PushContext, local: LoggedModel, remote: RemoteLoggedModel): Promise<void> {
  const files = artifactFilesOf(ctx.artifacts, local.info.artifact_uri);
  if (!files) return;
  const entries = await files.list();
  const fingerprint = artifactsFingerprint(entries);
  if (tagValue(local.info.tags, ctx.keys.cursor) === fingerprint) return;
  if (entries.length > 0) {
    ctx.onActivity?.(`logged model ${local.info.name}: ${entries.length} files`);
    await uploadMissingArtifacts(ctx.client, entries, files, remote.info.artifact_uri ?? '', ctx.counts, ctx.signal);
  }
  ctx.tracking.setLoggedModelTags(local.info.model_id, [{ key: ctx.keys.cursor, value: fingerprint }]);
}
