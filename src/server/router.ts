import { invalidParameter } from '../core/errors';
import type { Route } from './route';

export interface RouteMatch {
  readonly route: Route;
  readonly pathParams: Readonly<Record<string, string>>;
}

type Segment = { readonly literal: string } | { readonly param: string } | { readonly rest: string };

interface PatternRoute {
  readonly route: Route;
  readonly segments: readonly Segment[];
}

/**
 * Finds the route for a method and path. Static paths (nearly all of MLflow's API) are one Map
 * lookup; paths with `:name` segments, or a last `*name` segment that takes the rest of the path
 * (artifact paths), are tried in registration order.
 */
export class Router {
  private readonly staticRoutes = new Map<string, Route>();
  private readonly patternRoutes = new Map<string, PatternRoute[]>();

  constructor(routes: readonly Route[]) {
    for (const route of routes) this.add(route);
  }

  /** `pathname` is the raw path of the request URL (still percent-encoded). */
  match(method: string, pathname: string): RouteMatch | undefined {
    const route = this.staticRoutes.get(`${method} ${pathname}`);
    if (route !== undefined) return { route, pathParams: {} };
    const candidates = this.patternRoutes.get(method);
    if (candidates === undefined) return undefined;
    const parts = pathname.split('/');
    for (const candidate of candidates) {
      const pathParams = matchSegments(candidate.segments, parts);
      if (pathParams !== undefined) return { route: candidate.route, pathParams };
    }
    return undefined;
  }

  private add(route: Route): void {
    const segments = route.path.split('/').map(parseSegment);
    const restIndex = segments.findIndex((s) => 'rest' in s);
    if (restIndex !== -1 && restIndex !== segments.length - 1) {
      throw new Error(`route ${route.method} ${route.path}: a *rest segment must come last`);
    }
    if (segments.every((s) => 'literal' in s)) {
      const key = `${route.method} ${route.path}`;
      if (this.staticRoutes.has(key)) throw new Error(`route ${key} is defined twice`);
      this.staticRoutes.set(key, route);
      return;
    }
    const list = this.patternRoutes.get(route.method) ?? [];
    list.push({ route, segments });
    this.patternRoutes.set(route.method, list);
  }
}

function parseSegment(text: string): Segment {
  if (text.startsWith(':')) return { param: text.slice(1) };
  if (text.startsWith('*')) return { rest: text.slice(1) };
  return { literal: text };
}

function matchSegments(segments: readonly Segment[], parts: readonly string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    const part = parts[i];
    if (part === undefined) return undefined;
    if ('literal' in segment) {
      if (segment.literal !== part) return undefined;
    } else if ('param' in segment) {
      if (part === '') return undefined;
      params[segment.param] = decodeSegment(part);
    } else {
      const rest = parts.slice(i).join('/');
      if (rest === '') return undefined;
      // Decoded as a whole, so `%2F` becomes a real separator that the consumer's path rules see.
      params[segment.rest] = decodeSegment(rest);
      return params;
    }
  }
  return parts.length === segments.length ? params : undefined;
}

function decodeSegment(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw invalidParameter(`Malformed percent-encoding in request path: '${text}'.`);
  }
}
