import type { KeyValue } from '../../core/entities';
import { filterLiteral } from '../../core/search/filterLiteral';
import type { ModelRegistry } from '../../core/store/modelRegistry';
import type { ModelVersion, RegisteredModel, RegistryTag } from '../../core/store/registry/registryEntities';
import { createOnce } from '../client/createOnce';
import { RemoteError } from '../client/mlflowRestClient';
import type { PushContext } from './pushContext';
import { pushableTags, sourceVersionTag, tagValue } from '../client/syncTags';

/** The parts of MLflow's registry replies a push reads. */
interface RemoteRegisteredModel {
  readonly name: string;
  readonly description?: string;
  readonly tags?: RegistryTag[];
  readonly aliases?: { readonly alias: string; readonly version: string }[];
}

interface RemoteModelVersion {
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  readonly current_stage?: string;
  readonly tags?: RegistryTag[];
}

/** Versions per page of a registry search (MLflow allows up to 200,000; a page this size is one quick reply). */
const versionsPerPage = 1000;

/**
 * Pushes registered models to the server after their runs and logged models: the model (created
 * when the server has none of that name), its description and tags, each version that is not there
 * yet (found again by the `runlens.sync.sourceVersion` tag, so a push repeated or resumed after a
 * lost reply creates nothing twice) pointing at the pushed logged model or run, each version's
 * description, tags and stage, and the aliases, mapped to the server's version numbers. Versions
 * deleted locally are left on the server; nothing is deleted there.
 */
export async function pushRegisteredModel(ctx: PushContext, registry: ModelRegistry, name: string): Promise<void> {
  const local = registry.getRegisteredModel(name);
  ctx.onActivity?.(`model ${name}`);
  const remote = await ensureModel(ctx, local);
  if ((remote.description ?? '') !== local.description) {
    await ctx.client.patch('registered-models/update', { name, description: local.description });
  }
  for (const tag of changedTags(pushableTags(local.tags), remote.tags)) {
    await ctx.client.post('registered-models/set-tag', { name, key: tag.key, value: tag.value });
  }

  const remoteVersions = await remoteVersionsBySource(ctx, name);
  const numbers = new Map<number, string>();
  for (const version of localVersions(registry, name)) {
    ctx.signal?.throwIfAborted();
    const pushed = await pushVersion(ctx, version, remoteVersions.get(String(version.version)));
    if (pushed !== undefined) numbers.set(version.version, pushed);
  }
  for (const { alias, version } of local.aliases) {
    const remoteVersion = numbers.get(version);
    if (remoteVersion === undefined) continue;
    if (remote.aliases?.some((a) => a.alias === alias && String(a.version) === remoteVersion)) continue;
    await ctx.client.post('registered-models/alias', { name, alias, version: remoteVersion });
  }
}

async function ensureModel(ctx: PushContext, local: RegisteredModel): Promise<RemoteRegisteredModel> {
  const found = await remoteModel(ctx, local.name);
  if (found) return found;
  try {
    // Retried on a lost reply: the second attempt then finds the name taken, which is the model we made.
    await ctx.client.post('registered-models/create', {
      name: local.name,
      description: local.description,
      tags: pushableTags(local.tags),
    });
    ctx.counts.registeredModelsCreated += 1;
  } catch (error) {
    if (!RemoteError.is(error, 'RESOURCE_ALREADY_EXISTS')) throw error;
  }
  const created = await remoteModel(ctx, local.name);
  if (!created) throw new Error(`the server did not keep registered model '${local.name}'`);
  return created;
}

async function remoteModel(ctx: PushContext, name: string): Promise<RemoteRegisteredModel | undefined> {
  try {
    return (await ctx.client.get<{ registered_model: RemoteRegisteredModel }>('registered-models/get', { name })).registered_model;
  } catch (error) {
    if (RemoteError.is(error, 'RESOURCE_DOES_NOT_EXIST')) return undefined;
    throw error;
  }
}

/** The server's versions of the model that a push made, by the local version number they came from. */
async function remoteVersionsBySource(ctx: PushContext, name: string): Promise<Map<string, RemoteModelVersion>> {
  const bySource = new Map<string, RemoteModelVersion>();
  let pageToken: string | undefined;
  do {
    const page = await ctx.client.get<{ model_versions?: RemoteModelVersion[]; next_page_token?: string }>('model-versions/search', {
      filter: `name = ${filterLiteral(name)}`,
      max_results: String(versionsPerPage),
      ...(pageToken ? { page_token: pageToken } : {}),
    });
    for (const version of page.model_versions ?? []) {
      const source = tagValue(version.tags, sourceVersionTag);
      if (source !== undefined) bySource.set(source, version);
    }
    pageToken = page.next_page_token || undefined;
  } while (pageToken);
  return bySource;
}

function localVersions(registry: ModelRegistry, name: string): ModelVersion[] {
  const versions: ModelVersion[] = [];
  let pageToken: string | undefined;
  do {
    const page = registry.searchModelVersions({
      filter: `name = ${filterLiteral(name)}`,
      orderBy: ['version_number ASC'],
      maxResults: versionsPerPage,
      pageToken,
    });
    versions.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return versions;
}

/** The version on the server (its number there), created when missing; undefined when its source was not pushed. */
async function pushVersion(ctx: PushContext, local: ModelVersion, existing: RemoteModelVersion | undefined): Promise<string | undefined> {
  let remote = existing;
  if (!remote) {
    const source = remoteSource(ctx, local);
    if (!source) {
      ctx.notes.push({
        subject: `model ${local.name}`,
        message: `version ${local.version} was not pushed: its source ${local.source} is neither a pushed logged model nor a file of a pushed run`,
      });
      return undefined;
    }
    remote = await createOnce(
      ctx.client,
      async () => (await remoteVersionsBySource(ctx, local.name)).get(String(local.version)),
      async () =>
        (
          await ctx.client.postOnce<{ model_version: RemoteModelVersion }>('model-versions/create', {
            name: local.name,
            source: source.source,
            ...(source.runId ? { run_id: source.runId } : {}),
            ...(source.modelId ? { model_id: source.modelId } : {}),
            description: local.description,
            tags: [...pushableTags(local.tags), { key: sourceVersionTag, value: String(local.version) }],
          })
        ).model_version,
    );
    ctx.counts.modelVersionsCreated += 1;
  }
  const number = String(remote.version);
  if ((remote.description ?? '') !== local.description) {
    await ctx.client.patch('model-versions/update', { name: local.name, version: number, description: local.description });
  }
  for (const tag of changedTags(pushableTags(local.tags), remote.tags)) {
    await ctx.client.post('model-versions/set-tag', { name: local.name, version: number, key: tag.key, value: tag.value });
  }
  if ((remote.current_stage ?? 'None') !== local.currentStage) {
    await ctx.client.post('model-versions/transition-stage', {
      name: local.name,
      version: number,
      stage: local.currentStage,
      archive_existing_versions: false,
    });
  }
  return number;
}

interface RemoteSource {
  readonly source: string;
  readonly runId?: string;
  readonly modelId?: string;
}

/**
 * Where the version's files are on the server: the pushed logged model (`models:/<id>`) for a
 * version of a logged model, else the same path in the pushed run (`runs:/<id>/path`). Both are
 * sources MLflow's server accepts without a local path check.
 */
function remoteSource(ctx: PushContext, local: ModelVersion): RemoteSource | undefined {
  const remoteRunId = local.runId ? remoteRunOf(ctx, local.runId) : undefined;
  if (local.modelId) {
    const remoteModelId = remoteModelOf(ctx, local.modelId);
    if (!remoteModelId) return undefined;
    return { source: `models:/${remoteModelId}`, modelId: remoteModelId, ...(remoteRunId ? { runId: remoteRunId } : {}) };
  }
  if (!remoteRunId) return undefined;
  const path = runRelativePath(ctx, local);
  return path === undefined ? undefined : { source: `runs:/${remoteRunId}/${path}`, runId: remoteRunId };
}

function remoteRunOf(ctx: PushContext, localRunId: string): string | undefined {
  try {
    return tagValue(ctx.tracking.getRun(localRunId).data.tags, ctx.keys.runId);
  } catch {
    return undefined; // The run is gone locally: the version cannot point at its copy.
  }
}

function remoteModelOf(ctx: PushContext, localModelId: string): string | undefined {
  try {
    return tagValue(ctx.tracking.getLoggedModel(localModelId).info.tags, ctx.keys.modelId);
  } catch {
    return undefined;
  }
}

/** The version's files as a path inside its run's artifacts: from `runs:/<id>/path`, or from a location under the run's artifact root. */
function runRelativePath(ctx: PushContext, local: ModelVersion): string | undefined {
  const runsUri = /^runs:\/[^/]+\/(.+)$/.exec(local.source);
  if (runsUri) return runsUri[1];
  const root = ctx.tracking.getRun(local.runId).info.artifact_uri;
  for (const location of [local.source, local.storageLocation]) {
    if (root && location.startsWith(`${root}/`)) return location.slice(root.length + 1);
  }
  return undefined;
}

/** Local tags the server lacks or holds with another value. */
function changedTags(local: readonly KeyValue[], remote: readonly RegistryTag[] | undefined): KeyValue[] {
  const there = new Map((remote ?? []).map((tag) => [tag.key, tag.value]));
  return local.filter((tag) => there.get(tag.key) !== tag.value);
}
