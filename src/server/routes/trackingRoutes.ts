import type { Route } from '../route';

export const trackingRoutes: readonly Route[] = [];
