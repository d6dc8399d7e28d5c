import type { Route } from '../route';
import { ajaxArtifactRoutes } from './ajax/ajaxArtifactRoutes';
import { datasetSummaryRoute } from './ajax/datasetSummaryRoute';
import { metricHistoryBulkRoute } from './ajax/metricHistoryBulkRoute';
import { promptlabRunRoute } from './ajax/promptlabRunRoute';

/** The routes MLflow's server has only for its web UI (no `/api/` twin). */
export const ajaxRoutes: readonly Route[] = [...ajaxArtifactRoutes, metricHistoryBulkRoute, datasetSummaryRoute, promptlabRunRoute];
