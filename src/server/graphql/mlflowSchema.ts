import {
  GraphQLBoolean,
  GraphQLFloat,
  GraphQLInt,
  GraphQLString,
  Kind,
  buildSchema,
  getNullableType,
  isEnumType,
  isListType,
  isObjectType,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLScalarType,
  type GraphQLSchema,
} from 'graphql';
import { invalidParameter } from '../../core/errors';
import type { RequestContext } from '../route';
import { listUnder } from '../routes/artifacts/rootListing';
import { safeArtifactPath } from '../routes/artifacts/safePath';
import { modelVersionJson } from '../routes/registry/registryWire';
import { mlflowSchemaText } from './mlflowSchemaText';

/** What the resolvers read from: the stores of the request. */
export type GraphqlContext = Pick<RequestContext, 'store' | 'registry' | 'artifacts'>;

type Input = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Resolver = GraphQLFieldResolver<any, GraphqlContext, Input>; // eslint-disable-line @typescript-eslint/no-explicit-any

const maxDatasetExperiments = 20;

/**
 * MLflow's resolvers call its REST handlers' implementations with the GraphQL input as the request
 * message; these call the same store methods as RunLens's REST routes, and return their replies
 * (proto JSON, snake_case), which `protoFieldResolver` then reads as graphene reads proto messages.
 */
const rootResolvers: Record<string, Resolver> = {
  mlflowGetExperiment: (_root, { input }, { store }) => ({ experiment: store.getExperiment(input?.experimentId ?? '') }),
  mlflowGetRun: (_root, { input }, { store }) => ({ run: store.getRun(input?.runId || input?.runUuid || '') }),
  mlflowGetMetricHistoryBulkInterval: (_root, { input }, { store }) => ({
    metrics: store.getMetricHistoryBulkInterval({
      runIds: (input?.runIds ?? []).filter((id: unknown) => typeof id === 'string'),
      metricKey: input?.metricKey ?? '',
      startStep: input?.startStep ?? undefined,
      endStep: input?.endStep ?? undefined,
      maxResults: input?.maxResults ?? undefined,
    }),
  }),
  mlflowListArtifacts: (_root, { input }, { store, artifacts }) => {
    const rootUri = store.getRun(input?.runId || input?.runUuid || '').info.artifact_uri;
    return listUnder(artifacts, rootUri, input?.path ? safeArtifactPath(input.path) : '');
  },
  mlflowSearchModelVersions: (_root, { input }, { registry }) => {
    const page = registry.searchModelVersions({
      filter: input?.filter ?? undefined,
      maxResults: input?.maxResults ?? undefined,
      orderBy: input?.orderBy ?? [],
      pageToken: input?.pageToken ?? undefined,
    });
    return { model_versions: page.items.map(modelVersionJson), next_page_token: page.nextPageToken };
  },
  mlflowSearchRuns: (_root, { input }, { store }) => {
    const page = store.searchRuns({
      experimentIds: input?.experimentIds ?? [],
      filter: input?.filter ?? undefined,
      runViewType: input?.runViewType ?? undefined,
      maxResults: input?.maxResults ?? undefined,
      orderBy: input?.orderBy ?? [],
      pageToken: input?.pageToken ?? undefined,
    });
    return { runs: page.runs, next_page_token: page.nextPageToken };
  },
  mlflowSearchDatasets: (_root, { input }, { store }) => {
    const experimentIds: string[] = input?.experimentIds ?? [];
    if (experimentIds.length === 0) throw invalidParameter('SearchDatasets request must specify at least one experiment_id.');
    if (experimentIds.length > maxDatasetExperiments) {
      throw invalidParameter(
        `SearchDatasets request cannot specify more than ${maxDatasetExperiments} experiment_ids. Received ${experimentIds.length} experiment_ids.`,
      );
    }
    return { dataset_summaries: store.searchDatasetSummaries(experimentIds) };
  },
  test: (_root, { inputString }) => ({ output: inputString }),
  testMutation: (_root, { inputString }) => ({ output: inputString }),
};

/** MLflow's schema extensions: a run's experiment and model versions, and NaN metric values as null. */
const extensionResolvers: Record<string, Record<string, Resolver>> = {
  MlflowRunExtension: {
    experiment: (run, _args, { store }) => store.getExperiment(run.info.experiment_id),
    modelVersions: (run, _args, { registry }) =>
      // The run id comes from the store (32 hex digits), never from the request.
      registry.searchModelVersions({ filter: `run_id='${run.info.run_id}'` }).items.map(modelVersionJson),
  },
  // A NaN is no GraphQL Float; MLflow answers null for a run's NaN metric value.
  MlflowMetricExtension: { value: (metric) => (Number.isNaN(metric.value) ? null : metric.value) },
};

/** The schema with RunLens's resolvers attached; built once. */
export const mlflowSchema: GraphQLSchema = buildResolvedSchema();

function buildResolvedSchema(): GraphQLSchema {
  const schema = buildSchema(mlflowSchemaText);
  for (const rootType of [schema.getQueryType(), schema.getMutationType()]) {
    for (const field of Object.values(rootType!.getFields())) field.resolve = rootResolvers[field.name];
  }
  for (const [typeName, fields] of Object.entries(extensionResolvers)) {
    const type = schema.getType(typeName) as GraphQLObjectType;
    for (const [fieldName, resolve] of Object.entries(fields)) type.getFields()[fieldName].resolve = resolve;
  }
  const longString = schema.getType('LongString') as GraphQLScalarType;
  // int64 goes out as a string; in, an integer literal or a value that parses as one.
  longString.serialize = (value) => String(value);
  longString.parseValue = (value) => parseLong(value);
  longString.parseLiteral = (node) => (node.kind === Kind.INT ? Number(node.value) : undefined);
  return schema;
}

function parseLong(value: unknown): number {
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number)) throw new TypeError(`LongString cannot represent ${JSON.stringify(value)}`);
  return number;
}

/**
 * graphene resolves a field by reading the proto message's attribute of the snake_case name, and an
 * unset proto2 field reads as its default: "" or 0, the enum's first value, an empty list, an empty
 * message. The replies here are proto JSON, which leaves unset fields out, so the defaults are put
 * back from the field's type. `apiError` is no proto field: null.
 */
export const protoFieldResolver: GraphQLFieldResolver<unknown, GraphqlContext> = (source, _args, _context, info) => {
  const value = (source as Record<string, unknown> | null)?.[snakeCase(info.fieldName)];
  if (value !== undefined && value !== null) return value;
  return info.fieldName === 'apiError' ? null : protoDefault(info.returnType);
};

function protoDefault(type: GraphQLOutputType): unknown {
  const named = getNullableType(type);
  if (isListType(named)) return [];
  if (isObjectType(named)) return {};
  if (isEnumType(named)) return named.getValues()[0].value;
  if (named === GraphQLString) return '';
  if (named === GraphQLBoolean) return false;
  if (named === GraphQLFloat || named === GraphQLInt || named.name === 'LongString') return 0;
  return null;
}

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
