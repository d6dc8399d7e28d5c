import type { Route } from '../../route';
import { RequestFields } from '../tracking/requestFields';
import { modelVersionJson, registeredModelJson } from './registryWire';
import { pageReply } from '../pageReply';
import { registrySearchRequest } from './registrySearchRequest';

const base = '/api/2.0/mlflow/registered-models';

/** MLflow's registered-model endpoints (model_registry.proto, ModelRegistryService). */
export const registeredModelRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: `${base}/create`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      const model = context.registry.createRegisteredModel(fields.string('name'), {
        tags: fields.keyValues('tags'),
        description: fields.optionalString('description'),
      });
      return { registered_model: registeredModelJson(model) };
    },
  },
  {
    method: 'GET',
    path: `${base}/get`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'GET');
      return { registered_model: registeredModelJson(context.registry.getRegisteredModel(fields.string('name'))) };
    },
  },
  {
    method: 'GET',
    path: `${base}/search`,
    handler: (context) => {
      const page = context.registry.searchRegisteredModels(registrySearchRequest(RequestFields.of(context, 'GET')));
      return pageReply('registered_models', page.items.map(registeredModelJson), page.nextPageToken);
    },
  },
  {
    method: 'PATCH',
    path: `${base}/update`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      const model = context.registry.updateRegisteredModel(
        fields.string('name'),
        fields.optionalString('description') ?? '',
      );
      return { registered_model: registeredModelJson(model) };
    },
  },
  {
    method: 'POST',
    path: `${base}/rename`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      const model = context.registry.renameRegisteredModel(
        fields.string('name'),
        fields.string('new_name'),
      );
      return { registered_model: registeredModelJson(model) };
    },
  },
  {
    method: 'DELETE',
    path: `${base}/delete`,
    handler: (context) => {
      context.registry.deleteRegisteredModel(RequestFields.of(context, 'BODY').string('name'));
      return {};
    },
  },
  {
    method: 'POST',
    path: `${base}/set-tag`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      context.registry.setRegisteredModelTag(
        fields.string('name'),
        fields.string('key'),
        fields.optionalString('value') ?? '',
      );
      return {};
    },
  },
  {
    method: 'DELETE',
    path: `${base}/delete-tag`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      context.registry.deleteRegisteredModelTag(fields.string('name'), fields.string('key'));
      return {};
    },
  },
  {
    method: 'POST',
    path: `${base}/alias`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      context.registry.setRegisteredModelAlias(
        fields.string('name'),
        fields.string('alias'),
        fields.string('version'),
      );
      return {};
    },
  },
  {
    method: 'DELETE',
    path: `${base}/alias`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      context.registry.deleteRegisteredModelAlias(fields.string('name'), fields.string('alias'));
      return {};
    },
  },
  {
    method: 'GET',
    path: `${base}/alias`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'GET');
      const version = context.registry.getModelVersionByAlias(
        fields.string('name'),
        fields.string('alias'),
      );
      return { model_version: modelVersionJson(version) };
    },
  },
  ...(['POST', 'GET'] as const).map(
    (method): Route => ({
      method,
      path: `${base}/get-latest-versions`,
      handler: (context) => {
        const fields = RequestFields.of(context, method === 'GET' ? 'GET' : 'BODY');
        const versions = context.registry.getLatestVersions(fields.string('name'), fields.strings('stages'));
        return versions.length > 0 ? { model_versions: versions.map(modelVersionJson) } : {};
      },
    }),
  ),
];
