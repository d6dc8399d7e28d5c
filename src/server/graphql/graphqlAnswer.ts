import { GraphQLError, execute, parse, validate, type DocumentNode } from 'graphql';
import type { RequestContext } from '../route';
import { mlflowSchema, protoFieldResolver } from './mlflowSchema';
import { queryLimitError } from './queryLimits';

/**
 * MLflow's reply to a GraphQL request: always HTTP 200, `data` (null when the query never ran) and
 * `errors` as a list of message strings (MLflow sends the messages only), or null.
 */
export interface GraphqlReply {
  readonly data: unknown;
  readonly errors: string[] | null;
}

export interface GraphqlRequest {
  readonly query: string;
  readonly variables?: Record<string, unknown>;
  readonly operationName?: string;
}

/** Runs one GraphQL request against MLflow's schema, as MLflow answers it. */
export async function answer(request: GraphqlRequest, context: RequestContext): Promise<GraphqlReply> {
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
