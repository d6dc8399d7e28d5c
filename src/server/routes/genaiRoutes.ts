import type { Route } from '../route';
import { datasetRoutes } from './genai/datasetRoutes';
import { scorerRoutes } from './genai/scorerRoutes';

/** MLflow 3's GenAI evaluation endpoints under /api/3.0/mlflow: evaluation datasets and scorers. */
export const genaiRoutes: readonly Route[] = [...datasetRoutes, ...scorerRoutes];
