import type { Route } from '../route';
import { assessmentRoutes } from './traces/assessmentRoutes';
import { otlpRoutes } from './traces/otlpRoutes';
import { traceInfoRoutes } from './traces/traceInfoRoutes';
import { traceTagRoutes } from './traces/traceTagRoutes';

/** MLflow 3's tracing API: trace infos (v3 and v2), tags, links, deletion, assessments and OTLP spans. */
export const traceRoutes: readonly Route[] = [...traceInfoRoutes, ...traceTagRoutes, ...assessmentRoutes, ...otlpRoutes];
