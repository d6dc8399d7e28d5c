import type { RegisteredModel } from '../../../core/store/registry/registryEntities';
import type { Route } from '../../route';
import { fieldsRoute } from '../fieldsRoute';
import { modelVersionJson, registeredModelJson } from './registryWire';
import { pageReply } from '../pageReply';
import { registrySearchRequest } from './registrySearchRequest';

const base = '/api/2.0/mlflow/registered-models';

const modelReply = (model: RegisteredModel) => ({ registered_model: registeredModelJson(model) });

/** MLflow's registered-model endpoints (model_registry.proto, ModelRegistryService). */
export const registeredModelRoutes: readonly Route[] = [
  fieldsRoute('POST', `${base}/create`, (fields, { registry }) =>
    modelReply(
      registry.createRegisteredModel(fields.string('name'), {
        tags: fields.keyValues('tags'),
        description: fields.optionalString('description'),
      }),
    ),
  ),
  fieldsRoute('GET', `${base}/get`, (fields, { registry }) => modelReply(registry.getRegisteredModel(fields.string('name')))),
  fieldsRoute('GET', `${base}/search`, (fields, { registry }) => {
    const page = registry.searchRegisteredModels(registrySearchRequest(fields));
    return pageReply('registered_models', page.items.map(registeredModelJson), page.nextPageToken);
  }),
  fieldsRoute('PATCH', `${base}/update`, (fields, { registry }) =>
    modelReply(registry.updateRegisteredModel(fields.string('name'), fields.optionalString('description') ?? '')),
  ),
  fieldsRoute('POST', `${base}/rename`, (fields, { registry }) =>
    modelReply(registry.renameRegisteredModel(fields.string('name'), fields.string('new_name'))),
  ),
  fieldsRoute('DELETE', `${base}/delete`, (fields, { registry }) => {
    registry.deleteRegisteredModel(fields.string('name'));
    return {};
  }),
  fieldsRoute('POST', `${base}/set-tag`, (fields, { registry }) => {
    registry.setRegisteredModelTag(fields.string('name'), fields.string('key'), fields.optionalString('value') ?? '');
    return {};
  }),
  fieldsRoute('DELETE', `${base}/delete-tag`, (fields, { registry }) => {
    registry.deleteRegisteredModelTag(fields.string('name'), fields.string('key'));
    return {};
  }),
  fieldsRoute('POST', `${base}/alias`, (fields, { registry }) => {
    registry.setRegisteredModelAlias(fields.string('name'), fields.string('alias'), fields.string('version'));
    return {};
  }),
  fieldsRoute('DELETE', `${base}/alias`, (fields, { registry }) => {
    registry.deleteRegisteredModelAlias(fields.string('name'), fields.string('alias'));
    return {};
  }),
  fieldsRoute('GET', `${base}/alias`, (fields, { registry }) => ({
    model_version: modelVersionJson(registry.getModelVersionByAlias(fields.string('name'), fields.string('alias'))),
  })),
  ...(['POST', 'GET'] as const).map((method) =>
    fieldsRoute(method, `${base}/get-latest-versions`, (fields, { registry }) => {
      const versions = registry.getLatestVersions(fields.string('name'), fields.strings('stages'));
      return versions.length > 0 ? { model_versions: versions.map(modelVersionJson) } : {};
    }),
  ),
];
