import type { Route } from '../route';

export const registryRoutes: readonly Route[] = [];
