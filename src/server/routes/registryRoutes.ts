import type { Route } from '../route';
import { modelVersionRoutes } from './registry/modelVersionRoutes';
import { registeredModelRoutes } from './registry/registeredModelRoutes';

/** The Model Registry's part of the MLflow REST API. */
export const registryRoutes: readonly Route[] = [...registeredModelRoutes, ...modelVersionRoutes];
