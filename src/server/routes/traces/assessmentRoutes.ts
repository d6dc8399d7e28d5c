import { invalidParameter } from '../../../core/errors';
import type { Route } from '../../route';
import { RequestFields } from '../tracking/requestFields';
import { objectField } from './traceRequest';

const base = '/api/3.0/mlflow/traces/:traceId/assessments';

/** Feedback and expectations on a trace (MLflow 3's assessments API). */
export const assessmentRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: base,
    handler: ({ traces, pathParams, body }) => {
      const assessment = objectField(body, 'assessment', 'assessment');
      checkTraceId(assessment, pathParams.traceId);
      return { assessment: traces.createAssessment(pathParams.traceId, assessment) };
    },
  },
  {
    method: 'GET',
    path: `${base}/:assessmentId`,
    handler: ({ traces, pathParams }) => ({ assessment: traces.getAssessment(pathParams.traceId, pathParams.assessmentId) }),
  },
  {
    method: 'PATCH',
    path: `${base}/:assessmentId`,
    handler: (context) => {
      const { traceId, assessmentId } = context.pathParams;
      const patch = objectField(context.body, 'assessment', 'assessment');
      checkTraceId(patch, traceId);
      const mask = RequestFields.of(context, 'BODY').optionalString('update_mask') ?? '';
      return { assessment: context.traces.updateAssessment(traceId, assessmentId, patch, mask) };
    },
  },
  {
    method: 'DELETE',
    path: `${base}/:assessmentId`,
    handler: ({ traces, pathParams }) => {
      traces.deleteAssessment(pathParams.traceId, pathParams.assessmentId);
      return {};
    },
  },
];

/** The body may repeat the trace id; it must then be the path's. */
function checkTraceId(assessment: Readonly<Record<string, unknown>>, traceId: string): void {
  const inBody = assessment.trace_id;
  if (inBody !== undefined && inBody !== null && inBody !== '' && inBody !== traceId) {
    throw invalidParameter(`assessment.trace_id '${String(inBody)}' does not match the trace in the path, '${traceId}'.`);
  }
}
