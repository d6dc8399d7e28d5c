import type { ModelVersion, RegisteredModel, RegistryTag } from '../../../core/store/registry/registryEntities';

/**
 * Registry entities in MLflow's wire shape: the proto's snake_case fields in the proto's order,
 * versions as strings, and fields left out where MLflow's server leaves them out (an empty list,
 * a registered model's empty description, an empty user_id or status_message), so that replies
 * read exactly as the real server's do.
 */

export function registeredModelJson(model: RegisteredModel): Record<string, unknown> {
  const json: Record<string, unknown> = {
    name: model.name,
    creation_timestamp: model.creationTimestamp,
    last_updated_timestamp: model.lastUpdatedTimestamp,
  };
  if (model.description !== '') json.description = model.description;
  if (model.latestVersions.length > 0) json.latest_versions = model.latestVersions.map(modelVersionJson);
  if (model.tags.length > 0) json.tags = model.tags.map(tagJson);
  if (model.aliases.length > 0) {
    json.aliases = model.aliases.map(({ alias, version }) => ({ alias, version: String(version) }));
  }
  return json;
}

export function modelVersionJson(version: ModelVersion): Record<string, unknown> {
  const json: Record<string, unknown> = {
    name: version.name,
    version: String(version.version),
    creation_timestamp: version.creationTimestamp,
    last_updated_timestamp: version.lastUpdatedTimestamp,
  };
  if (version.userId !== '') json.user_id = version.userId;
  json.current_stage = version.currentStage;
  json.description = version.description;
  json.source = version.source;
  json.run_id = version.runId;
  json.status = version.status;
  if (version.statusMessage !== '') json.status_message = version.statusMessage;
  if (version.tags.length > 0) json.tags = version.tags.map(tagJson);
  json.run_link = version.runLink;
  if (version.aliases.length > 0) json.aliases = [...version.aliases];
  return json;
}

function tagJson(tag: RegistryTag): { key: string; value: string } {
  return { key: tag.key, value: tag.value };
}
