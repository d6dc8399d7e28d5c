import type { Route } from '../route';

/**
 * MLflow's server registers every REST handler twice, under `/api/<version>/...` and under
 * `/ajax-api/<version>/...` (its web UI calls the second). RunLens does the same for each route
 * whose path starts with `/api/`: the twin runs the same handler, behind the same auth.
 */
export function withAjaxMirror(routes: readonly Route[]): Route[] {
  const mirrored: Route[] = [];
  for (const route of routes) {
    mirrored.push(route);
    if (route.path.startsWith('/api/')) mirrored.push({ ...route, path: `/ajax-api/${route.path.slice('/api/'.length)}` });
  }
  return mirrored;
}
