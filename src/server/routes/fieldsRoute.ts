import type { RequestContext, Route } from '../route';
import { RequestFields } from './tracking/requestFields';

/**
 * A route whose handler takes the request's parameters where MLflow's server reads them for the
 * route's method: from the query string for GET, from the JSON body otherwise.
 */
export function fieldsRoute(
  method: Route['method'],
  path: string,
  handle: (fields: RequestFields, context: RequestContext) => unknown,
): Route {
  return { method, path, handler: (context) => handle(RequestFields.of(context, method === 'GET' ? 'GET' : 'BODY'), context) };
}
