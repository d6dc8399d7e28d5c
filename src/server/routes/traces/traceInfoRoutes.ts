import { invalidParameter } from '../../../core/errors';
import type { TracePage } from '../../../core/traces/traceStore';
import { traceStatusesV2 } from '../../../core/traces/traceV2';
import type { RequestContext, Route } from '../../route';
import { pageReply } from '../pageReply';
import { RequestFields } from '../tracking/requestFields';
import { enumField, experimentOfLocation, field, startTraceInput } from './traceRequest';

const v3 = '/api/3.0/mlflow/traces';
const v2 = '/api/2.0/mlflow/traces';

/** The filter and paging fields of both trace searches; an empty filter or page token counts as none. */
function searchPageFields(fields: RequestFields) {
  return {
    filter: fields.optionalString('filter') || undefined,
    maxResults: fields.optionalMaxResults(),
    orderBy: fields.strings('order_by'),
    pageToken: fields.optionalString('page_token') || undefined,
  };
}

/** Writing and reading trace infos: v3 as MLflow 3's client calls it, and v2 for its fallbacks and older clients. */
export const traceInfoRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: v3,
    handler: ({ traces, body }) => ({ trace: { trace_info: traces.startTrace(startTraceInput(body)) } }),
  },
  {
    method: 'GET',
    path: `${v3}/batchGet`,
    handler: async (context) => {
      const ids = RequestFields.of(context, 'GET').strings('trace_ids');
      return pageReply('traces', await context.traces.batchGet(ids), undefined);
    },
  },
  {
    // GetTrace (3.5+): one trace with its spans.
    method: 'GET',
    path: `${v3}/get`,
    handler: async (context) => {
      const traceId = RequestFields.of(context, 'GET').string('trace_id');
      const info = context.traces.getTraceInfo(traceId);
      return { trace: { trace_info: info, spans: await context.traces.readSpans(traceId) } };
    },
  },
  {
    method: 'POST',
    path: `${v3}/search`,
    handler: async (context) => {
      const fields = RequestFields.of(context, 'BODY');
      const locations = field(context.body, 'locations');
      if (locations !== undefined && !Array.isArray(locations)) throw invalidParameter("Invalid value for parameter 'locations': expected a list.");
      const experimentIds = ((locations ?? []) as unknown[]).map((location, i) =>
        experimentOfLocation(location !== null && typeof location === 'object' ? (location as Record<string, unknown>) : {}, `locations[${i}]`),
      );
      const page = await context.traces.search({
        experimentIds,
        ...searchPageFields(fields),
      });
      logSkipped(context, page);
      return pageReply('traces', page.items, page.nextPageToken);
    },
  },
  {
    method: 'GET',
    path: `${v3}/:traceId`,
    handler: ({ traces, pathParams }) => ({ trace: { trace_info: traces.getTraceInfo(pathParams.traceId) } }),
  },
  {
    method: 'POST',
    path: v2,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      const info = context.traces.startTraceV2(
        fields.string('experiment_id'),
        fields.int('timestamp_ms'),
        fields.keyValues('request_metadata'),
        fields.keyValues('tags'),
      );
      return { trace_info: info };
    },
  },
  {
    method: 'PATCH',
    path: `${v2}/:requestId`,
    handler: (context) => {
      const fields = RequestFields.of(context, 'BODY');
      const status = enumField(context.body.status, traceStatusesV2, 'status') ?? 'OK';
      const info = context.traces.endTraceV2(
        context.pathParams.requestId,
        fields.int('timestamp_ms'),
        status,
        fields.keyValues('request_metadata'),
        fields.keyValues('tags'),
      );
      return { trace_info: info };
    },
  },
  {
    method: 'GET',
    path: v2,
    handler: async (context) => {
      const fields = RequestFields.of(context, 'GET');
      const page = await context.traces.searchV2({
        experimentIds: fields.strings('experiment_ids', 'experiment_ids', true),
        ...searchPageFields(fields),
      });
      logSkipped(context, page);
      return pageReply('traces', page.items, page.nextPageToken);
    },
  },
  {
    method: 'GET',
    path: `${v2}/:requestId/info`,
    handler: ({ traces, pathParams }) => ({ trace_info: traces.getTraceInfoV2(pathParams.requestId) }),
  },
];

/**
 * A `span.content`/`text` search leaves out traces whose span files it could not read; MLflow's
 * reply has no place to say so, so the server's log does, once per search.
 */
function logSkipped(context: RequestContext, page: TracePage<unknown>): void {
  const skipped = page.skipped ?? [];
  if (skipped.length === 0) return;
  const [first] = skipped;
  context.log(
    `runlens server: a trace search left out ${skipped.length} trace${skipped.length === 1 ? '' : 's'} whose span files could not be searched (${first.traceId}: ${first.reason}${skipped.length > 1 ? ', ...' : ''})`,
  );
}
