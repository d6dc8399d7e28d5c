import {
  type AssessmentModel,
  type CompareTracesParams,
  CompareTracesRequest,
  type GetTraceParams,
  GetTraceRequest,
  type GetTraceSpanParams,
  GetTraceSpanRequest,
  type LogFeedbackParams,
  LogFeedbackRequest,
  type TraceCompareModel,
  type TraceModel,
  type TraceSpanDetail,
} from '../traceDashboard';
import { type ArtifactPreview, type ArtifactPreviewParams, ArtifactPreviewRequest } from './artifactPreview';
import {
  type CompareCandidatesParams,
  CompareCandidatesRequest,
  type CompareCandidatesResult,
  type CompareModel,
  type CompareParams,
  CompareRequest,
  type CompareRunsParams,
  CompareRunsRequest,
  type CompareRunsResult,
} from './compareRequests';
import {
  type ExperimentChartsParams,
  ExperimentChartsRequest,
  type ExperimentChartsResult,
  type ExperimentTableModel,
  type ExperimentTableParams,
  ExperimentTableRequest,
  type ExportCsvParams,
  ExportCsvRequest,
  type ExportCsvResult,
} from './experimentRequests';
import { EnvironmentDiffRequest, OpenArtifactRequest, OpenDiffRequest, OpenSourceRequest } from './hostActions';
import {
  type DrawnSeriesParams,
  DrawnSeriesRequest,
  type DrawnSeriesResult,
  type GetRunParams,
  GetRunRequest,
  type MetricSeriesParams,
  MetricSeriesRequest,
  type MetricSeriesResult,
  type RunDashboardModel,
  type SetNoteParams,
  SetNoteRequest,
  type SetNoteResult,
} from './runRequests';

// The method lists, for dispatch: which requests the DashboardService answers, which the host itself.

/** Requests DashboardService answers from the store. */
export const serviceRequests = [
  GetRunRequest,
  MetricSeriesRequest,
  ExperimentTableRequest,
  ExperimentChartsRequest,
  ExportCsvRequest,
  CompareRequest,
  CompareCandidatesRequest,
  CompareRunsRequest,
  DrawnSeriesRequest,
  SetNoteRequest,
  ArtifactPreviewRequest,
  GetTraceRequest,
  GetTraceSpanRequest,
  LogFeedbackRequest,
  CompareTracesRequest,
] as const;

/** Requests the host answers itself. */
export const hostActionRequests = [OpenSourceRequest, OpenDiffRequest, OpenArtifactRequest, EnvironmentDiffRequest] as const;

export type ServiceMethod = keyof ServiceMethods;
export type HostActionMethod = 'run/openSource' | 'run/openDiff' | 'artifact/open' | 'run/environmentDiff';

export function isServiceMethod(method: string): method is ServiceMethod {
  return serviceRequests.some((request) => request.method === method);
}

export function isHostActionMethod(method: string): method is HostActionMethod {
  return hostActionRequests.some((request) => request.method === method);
}

/** Params and result of each service method, by method name. */
export interface ServiceMethods {
  'run/get': { params: GetRunParams; result: RunDashboardModel };
  'run/metricSeries': { params: MetricSeriesParams; result: MetricSeriesResult };
  'experiment/table': { params: ExperimentTableParams; result: ExperimentTableModel };
  'experiment/charts': { params: ExperimentChartsParams; result: ExperimentChartsResult };
  'experiment/exportCsv': { params: ExportCsvParams; result: ExportCsvResult };
  'compare/get': { params: CompareParams; result: CompareModel };
  'compare/candidates': { params: CompareCandidatesParams; result: CompareCandidatesResult };
  'compare/runs': { params: CompareRunsParams; result: CompareRunsResult };
  'run/drawnSeries': { params: DrawnSeriesParams; result: DrawnSeriesResult };
  'note/set': { params: SetNoteParams; result: SetNoteResult };
  'artifact/preview': { params: ArtifactPreviewParams; result: ArtifactPreview };
  'trace/get': { params: GetTraceParams; result: TraceModel };
  'trace/span': { params: GetTraceSpanParams; result: TraceSpanDetail };
  'trace/logFeedback': { params: LogFeedbackParams; result: AssessmentModel };
  'trace/compare': { params: CompareTracesParams; result: TraceCompareModel };
}
