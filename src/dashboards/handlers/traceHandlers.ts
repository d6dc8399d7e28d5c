import type { AssessmentModel, TraceModel } from '../../protocol/traceDashboard';
import type { ParamsReader } from '../requestParams';
import { requestLimits } from '../requestLimits';
import { assessmentModel, buildTraceModel } from '../traceModel';
import { traceStoreOf, type DashboardContext } from './dashboardContext';

// The trace viewer's requests: a trace, and feedback a person adds to it.

export async function traceDashboardModel(context: DashboardContext, traceId: string): Promise<TraceModel> {
  const traces = traceStoreOf(context);
  return buildTraceModel(traces.getTraceInfo(traceId), await traces.readSpans(traceId));
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
