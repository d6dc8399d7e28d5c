import type { Route } from '../../route';
import { RequestFields } from '../tracking/requestFields';
import { modelVersionJson } from './registryWire';
import { pageReply } from '../pageReply';
import { registrySearchRequest } from './registrySearchRequest';

const base = '/api/2.0/mlflow/model-versions';

/** MLflow's model-version endpoints (model_registry.proto, ModelRegistryService). */
export const modelVersionRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: `${base}/create`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      const version = context.registry.createModelVersion({
        name: fields.string('name'),
        source: fields.string('source'),
        runId: fields.optionalString('run_id'),
        modelId: fields.optionalString('model_id'),
        runLink: fields.optionalString('run_link'),
        description: fields.optionalString('description'),
        tags: fields.keyValues('tags'),
      });
      return { model_version: modelVersionJson(version) };
    },
  },
  {
    method: 'GET',
    path: `${base}/get`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'GET');
      const version = context.registry.getModelVersion(fields.string('name'), fields.string('version'));
      return { model_version: modelVersionJson(version) };
    },
  },
  {
    method: 'GET',
    path: `${base}/search`,
    handler: (context) => {
      const page = context.registry.searchModelVersions(registrySearchRequest(RequestFields.of(context, 'GET')));
      return pageReply('model_versions', page.items.map(modelVersionJson), page.nextPageToken);
    },
  },
  {
    method: 'PATCH',
    path: `${base}/update`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      const version = context.registry.updateModelVersion(
        fields.string('name'),
        fields.string('version'),
        fields.optionalString('description') ?? '',
      );
      return { model_version: modelVersionJson(version) };
    },
  },
  {
    method: 'POST',
    path: `${base}/transition-stage`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      const version = context.registry.transitionModelVersionStage(
        fields.string('name'),
        fields.string('version'),
        fields.string('stage'),
        fields.optionalBoolean('archive_existing_versions') ?? false,
      );
      return { model_version: modelVersionJson(version) };
    },
  },
  {
    method: 'DELETE',
    path: `${base}/delete`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      context.registry.deleteModelVersion(fields.string('name'), fields.string('version'));
      return {};
    },
  },
  {
    method: 'GET',
    path: `${base}/get-download-uri`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'GET');
      return {
        artifact_uri: context.registry.getModelVersionDownloadUri(fields.string('name'), fields.string('version')),
      };
    },
  },
  {
    method: 'POST',
    path: `${base}/set-tag`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      context.registry.setModelVersionTag(
        fields.string('name'),
        fields.string('version'),
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
      context.registry.deleteModelVersionTag(
        fields.string('name'),
        fields.string('version'),
        fields.string('key'),
      );
      return {};
    },
  },
];
