import type { Route } from '../route';
import { experimentRoutes } from './tracking/experimentRoutes';
import { logModelRoute } from './tracking/logModelRoute';
import { loggedModelRoutes } from './tracking/loggedModelRoutes';
import { metricRoutes } from './tracking/metricRoutes';
import { runRoutes } from './tracking/runRoutes';

/** The tracking half of MLflow's REST API: experiments, runs, metrics and logged models. */
export const trackingRoutes: readonly Route[] = [...experimentRoutes, ...runRoutes, logModelRoute, ...metricRoutes, ...loggedModelRoutes];
