import type { AssessmentModel, TraceCompareModel, TraceModel, TraceSpanDetail } from '../../protocol/traceDashboard';
import type { ParamsReader } from '../requestParams';
import { requestLimits } from '../requestLimits';
import { diffTraces } from '../traceDiff';
import { assessmentModel, buildFullTraceModel, buildSpanDetail, buildTraceModel } from '../traceModel';
import { traceStoreOf, type DashboardContext } from './dashboardContext';

// The trace viewer's requests: a trace's span tree, a selected span's payload, two traces
// compared, and feedback a person adds to a trace.

export async function traceDashboardModel(context: DashboardContext, traceId: string): Promise<TraceModel> {
  const traces = traceStoreOf(context);
  return buildTraceModel(traces.getTraceInfo(traceId), await traces.readSpans(traceId));
}

export async function traceSpanDetail(context: DashboardContext, traceId: string, spanId: string): Promise<TraceSpanDetail> {
  const traces = traceStoreOf(context);
  // The trace's info first: an unknown trace is a 404 naming the trace, not its span.
  traces.getTraceInfo(traceId);
  return buildSpanDetail(await traces.readSpans(traceId), spanId);
}

export async function compareTraces(context: DashboardContext, traceId: string, otherTraceId: string): Promise<TraceCompareModel> {
  const traces = traceStoreOf(context);
  const whole = async (id: string) => buildFullTraceModel(traces.getTraceInfo(id), await traces.readSpans(id));
  return diffTraces(await whole(traceId), await whole(otherTraceId));
}

export function logFeedback(context: DashboardContext, p: ParamsReader): AssessmentModel {
  const value = p.feedbackValue('value');
  const rationale = p.optionalString('rationale');
  const spanId = p.optionalString('spanId');
  const traceId = p.requiredString('traceId');
  const assessment = traceStoreOf(context).createAssessment(traceId, {
    assessment_name: p.requiredString('name').slice(0, requestLimits.queryLength),
    trace_id: traceId,
    source: { source_type: 'HUMAN', source_id: 'RunLens' },
    feedback: { value },
    ...(rationale ? { rationale: rationale.slice(0, requestLimits.noteLength) } : {}),
    ...(spanId ? { span_id: spanId } : {}),
  });
  return assessmentModel(assessment);
}
