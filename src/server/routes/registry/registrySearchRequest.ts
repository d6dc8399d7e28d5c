import type { ModelVersionSearchRequest } from '../../../core/search/modelVersionSearch';
import type { RegisteredModelSearchRequest } from '../../../core/search/registeredModelSearch';
import type { RequestFields } from '../tracking/requestFields';

/** The fields both registry searches take, as MLflow's GET endpoints send them; each search applies its own limits. */
export function registrySearchRequest(fields: RequestFields): RegisteredModelSearchRequest & ModelVersionSearchRequest {
  return {
    filter: fields.optionalString('filter'),
    maxResults: fields.optionalMaxResults(),
    orderBy: fields.strings('order_by'),
    pageToken: fields.optionalString('page_token'),
  };
}
