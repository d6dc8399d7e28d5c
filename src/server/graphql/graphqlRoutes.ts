import { GraphQLError, execute, parse, validate, type DocumentNode } from 'graphql';
import { invalidParameter } from '../../core/errors';
import type { RequestContext, Route } from '../route';
import { requireJsonContentType } from '../routes/ajax/contentTypeCheck';
import { mlflowSchema, protoFieldResolver } from './mlflowSchema';
import { queryLimitError } from './queryLimits';

/**
 * MLflow's reply to a GraphQL request: always HTTP 200, `data` (null when the query never ran) and
 * `errors` as a list of message strings (MLflow sends the messages only), or null.
 */
interface GraphqlReply {
  readonly data: unknown;
  readonly errors: string[] | null;
}

interface GraphqlRequest {
  readonly query: string;
  readonly variables?: Record<string, unknown>;
  readonly operationName?: string;
}

/**
 * `/graphql` (and `/ajax-api/graphql`, where RunLens's mirror also puts it): one query per request,
 * `{query, variables?, operationName?}` as a JSON body, or as query parameters on GET.
 */
export const graphqlRoutes: readonly Route[] = ['/graphql', '/ajax-api/graphql'].flatMap((path): Route[] => [
  { method: 'POST', path, handler: (context) => answer(bodyRequest(context), context) },
  { method: 'GET', path, handler: (context) => answer(queryStringRequest(context.query), context) },
]);

async function answer(request: GraphqlRequest, context: RequestContext): Promise<GraphqlReply> {
  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch (error) {
    // MLflow lets a syntax error escape as a 500 (which clients retry); it is the client's mistake.
    if (error instanceof GraphQLError) return { data: null, errors: [error.message] };
    throw error;
  }
  const limit = queryLimitError(document);
  if (limit !== undefined) return { data: null, errors: [limit] };
  const invalid = validate(mlflowSchema, document);
  if (invalid.length > 0) return { data: null, errors: invalid.map((error) => error.message) };
  const result = await execute({
    schema: mlflowSchema,
    document,
    variableValues: request.variables,
    operationName: request.operationName,
    contextValue: { store: context.store, registry: context.registry, artifacts: context.artifacts },
    fieldResolver: protoFieldResolver,
  });
  return { data: result.data ?? null, errors: result.errors ? result.errors.map((error) => error.message) : null };
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
