import { invalidParameter } from '../../core/errors';
import type { RequestContext, Route } from '../route';
import { requireJsonContentType } from '../routes/ajax/contentTypeCheck';
import type { GraphqlReply, GraphqlRequest } from './graphqlAnswer';

/**
 * `/graphql` (and `/ajax-api/graphql`, where RunLens's mirror also puts it): one query per request,
 * `{query, variables?, operationName?}` as a JSON body, or as query parameters on GET.
 */
export const graphqlRoutes: readonly Route[] = ['/graphql', '/ajax-api/graphql'].flatMap((path): Route[] => [
  { method: 'POST', path, handler: (context) => answer(bodyRequest(context), context) },
  { method: 'GET', path, handler: (context) => answer(queryStringRequest(context.query), context) },
]);

/** graphql and MLflow's schema load with the first GraphQL request, not at every server start (a first start waits for what it loads). */
async function answer(request: GraphqlRequest, context: RequestContext): Promise<GraphqlReply> {
  return (await import('./graphqlAnswer')).answer(request, context);
}

function bodyRequest(context: RequestContext): GraphqlRequest {
  requireJsonContentType(context);
  const { query, variables, operationName } = context.body;
  return checked(query, variables, operationName);
}

function queryStringRequest(query: URLSearchParams): GraphqlRequest {
  const variables = query.get('variables');
  let parsed: unknown;
  try {
    parsed = variables === null ? undefined : JSON.parse(variables);
  } catch {
    throw invalidParameter("Invalid value for parameter 'variables': it must be a JSON object.");
  }
  return checked(query.get('query') ?? undefined, parsed, query.get('operationName') ?? undefined);
}

function checked(query: unknown, variables: unknown, operationName: unknown): GraphqlRequest {
  if (typeof query !== 'string' || query === '') throw invalidParameter("Missing value for required parameter 'query'.");
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
    throw invalidParameter("Invalid value for parameter 'variables': it must be a JSON object.");
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    throw invalidParameter("Invalid value for parameter 'operationName': it must be a string.");
  }
  return {
    query,
    ...(variables ? { variables: variables as Record<string, unknown> } : {}),
    ...(typeof operationName === 'string' ? { operationName } : {}),
  };
}
