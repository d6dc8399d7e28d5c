import type { ModelVersion } from '../../../core/store/registry/registryEntities';
import type { Route } from '../../route';
import { fieldsRoute } from '../fieldsRoute';
import { modelVersionJson } from './registryWire';
import { pageReply } from '../pageReply';
import { registrySearchRequest } from './registrySearchRequest';

const base = '/api/2.0/mlflow/model-versions';

const versionReply = (version: ModelVersion) => ({ model_version: modelVersionJson(version) });

/** MLflow's model-version endpoints (model_registry.proto, ModelRegistryService). */
export const modelVersionRoutes: readonly Route[] = [
  fieldsRoute('POST', `${base}/create`, (fields, { registry }) =>
    versionReply(
      registry.createModelVersion({
        name: fields.string('name'),
        source: fields.string('source'),
        runId: fields.optionalString('run_id'),
        modelId: fields.optionalString('model_id'),
        runLink: fields.optionalString('run_link'),
        description: fields.optionalString('description'),
        tags: fields.keyValues('tags'),
      }),
    ),
  ),
  fieldsRoute('GET', `${base}/get`, (fields, { registry }) =>
    versionReply(registry.getModelVersion(fields.string('name'), fields.string('version'))),
  ),
  fieldsRoute('GET', `${base}/search`, (fields, { registry }) => {
    const page = registry.searchModelVersions(registrySearchRequest(fields));
    return pageReply('model_versions', page.items.map(modelVersionJson), page.nextPageToken);
  }),
  fieldsRoute('PATCH', `${base}/update`, (fields, { registry }) =>
    versionReply(registry.updateModelVersion(fields.string('name'), fields.string('version'), fields.optionalString('description') ?? '')),
  ),
  fieldsRoute('POST', `${base}/transition-stage`, (fields, { registry }) =>
    versionReply(
      registry.transitionModelVersionStage(
        fields.string('name'),
        fields.string('version'),
        fields.string('stage'),
        fields.optionalBoolean('archive_existing_versions') ?? false,
      ),
    ),
  ),
  fieldsRoute('DELETE', `${base}/delete`, (fields, { registry }) => {
    registry.deleteModelVersion(fields.string('name'), fields.string('version'));
    return {};
  }),
  fieldsRoute('GET', `${base}/get-download-uri`, (fields, { registry }) => ({
    artifact_uri: registry.getModelVersionDownloadUri(fields.string('name'), fields.string('version')),
  })),
  fieldsRoute('POST', `${base}/set-tag`, (fields, { registry }) => {
    registry.setModelVersionTag(fields.string('name'), fields.string('version'), fields.string('key'), fields.optionalString('value') ?? '');
    return {};
  }),
  fieldsRoute('DELETE', `${base}/delete-tag`, (fields, { registry }) => {
    registry.deleteModelVersionTag(fields.string('name'), fields.string('version'), fields.string('key'));
    return {};
  }),
];
