import { MlflowRestClient, RemoteError, RemoteUnavailableError } from '../client/mlflowRestClient';
import type { RemoteServer } from '../client/remoteServer';
import type { Metric } from '../../core/entities';
import { ExpiringCache, type CacheLimits } from './expiringCache';
import {
  experimentSummary,
  metric,
  modelSummary,
  runSummary,
  versionSummary,
  type RemoteExperimentSummary,
  type RemoteModelSummary,
  type RemotePage,
  type RemoteRunSummary,
  type RemoteVersionSummary,
} from './remoteRecords';

export interface RemoteBrowserOptions {
  /** Runs per page of runs/search (MLflow caps max_results at 50,000; a tree wants far fewer). */
  readonly pageSize?: number;
  readonly cache?: Partial<CacheLimits>;
  /** For one request; a tree should say "unreachable" quickly rather than hang. */
  readonly timeoutMs?: number;
}

const defaults = { pageSize: 100, cache: { maxEntries: 500, ttlMs: 60_000 }, timeoutMs: 15_000 };

type Wire = Record<string, unknown>;

/**
 * Read-only browsing of a remote MLflow tracking server, one page per call, with every answer kept
 * a while in an LRU cache: expanding a node again costs no request, and a server with 100,000 runs
 * is never read further than the pages someone opened. Errors are left to the caller, who shows them
 * (describeRemoteFailure) and offers a retry; no request is retried here, so failure shows at once.
 */
export class RemoteBrowser {
  readonly pageSize: number;
  private readonly client: MlflowRestClient;
  private readonly cache: ExpiringCache<unknown>;

  constructor(server: RemoteServer, options: RemoteBrowserOptions = {}) {
    this.pageSize = options.pageSize ?? defaults.pageSize;
    this.client = new MlflowRestClient(server, { retry: { maxAttempts: 1 }, timeoutMs: options.timeoutMs ?? defaults.timeoutMs });
    this.cache = new ExpiringCache({ ...defaults.cache, ...options.cache });
  }

  get url(): string {
    return this.client.baseUrl;
  }

  /** Forgets every cached answer (the Refresh and Retry actions). */
  forget(): void {
    this.cache.clear();
  }

  experiments(pageToken?: string): Promise<RemotePage<RemoteExperimentSummary>> {
    return this.listing(`experiments/${pageToken ?? ''}`, pageToken, async (token, maxResults) => {
      const reply = await this.client.post<Wire>('experiments/search', {
        max_results: maxResults,
        view_type: 'ACTIVE_ONLY',
        ...(token ? { page_token: token } : {}),
      });
      return page(reply, 'experiments', experimentSummary);
    });
  }

  /** Newest runs first, as the local Runs view orders them. */
  runs(experimentId: string, pageToken?: string): Promise<RemotePage<RemoteRunSummary>> {
    return this.listing(`runs/${experimentId}/${pageToken ?? ''}`, pageToken, async (token, maxResults) => {
      const reply = await this.client.post<Wire>('runs/search', {
        experiment_ids: [experimentId],
        max_results: maxResults,
        order_by: ['attributes.start_time DESC'],
        run_view_type: 'ACTIVE_ONLY',
        ...(token ? { page_token: token } : {}),
      });
      return page(reply, 'runs', runSummary);
    });
  }

  run(runId: string): Promise<RemoteRunSummary> {
    return this.cached(`run/${runId}`, async () => runSummary((await this.client.get<{ run?: Wire }>('runs/get', { run_id: runId })).run ?? {}));
  }

  /** One page of a metric's history (get-history pages by token on MLflow servers). */
  metricHistory(runId: string, key: string, pageToken?: string): Promise<RemotePage<Metric>> {
    return this.cached(`history/${runId}/${key}/${pageToken ?? ''}`, async () => {
      const reply = await this.client.get<Wire>('metrics/get-history', {
        run_id: runId,
        metric_key: key,
        max_results: String(Math.max(this.pageSize, 1000)),
        ...(pageToken ? { page_token: pageToken } : {}),
      });
      return page(reply, 'metrics', metric);
    });
  }

  registeredModels(pageToken?: string): Promise<RemotePage<RemoteModelSummary>> {
    return this.listing(`models/${pageToken ?? ''}`, pageToken, async (token, maxResults) => {
      const reply = await this.client.get<Wire>('registered-models/search', {
        max_results: String(Math.min(maxResults, 1000)),
        ...(token ? { page_token: token } : {}),
      });
      return page(reply, 'registered_models', modelSummary);
    });
  }

  /** A registered model, with its aliases (registered-models/get). */
  registeredModel(name: string): Promise<RemoteModelSummary> {
    return this.cached(`model/${name}`, async () =>
      modelSummary((await this.client.get<{ registered_model?: Wire }>('registered-models/get', { name })).registered_model ?? {}),
    );
  }

  /**
   * A page of a model's versions, newest first, each with its aliases. MLflow's model-versions/search
   * answers without aliases (only the registered-model calls carry them), so they come from the
   * model; a server that does send them per version (RunLens's) keeps its own.
   */
  modelVersions(name: string, pageToken?: string): Promise<RemotePage<RemoteVersionSummary>> {
    return this.listing(`versions/${name}/${pageToken ?? ''}`, pageToken, async (token, maxResults) => {
      const [reply, model] = await Promise.all([
        this.client.get<Wire>('model-versions/search', {
          filter: `name = ${quoteFilterString(name)}`,
          max_results: String(Math.min(maxResults, 1000)),
          order_by: 'version_number DESC',
          ...(token ? { page_token: token } : {}),
        }),
        this.registeredModel(name),
      ]);
      const versions = page(reply, 'model_versions', versionSummary);
      return { ...versions, items: versions.items.map((version) => withAliases(version, model)) };
    });
  }

  /**
   * One page of a listing, cached. MLflow answers a full last page with a page token, and the page
   * after it is empty; so when a page has a token, one item past it is asked for (the same token,
   * max_results 1), and a listing with nothing more has no token: no "Load more…" that loads nothing.
   */
  private listing<T>(key: string, pageToken: string | undefined, read: (token: string | undefined, maxResults: number) => Promise<RemotePage<T>>): Promise<RemotePage<T>> {
    return this.cached(key, async () => {
      const first = await read(pageToken, this.pageSize);
      if (first.nextPageToken === undefined) return first;
      const peek = await read(first.nextPageToken, 1);
      return peek.items.length > 0 ? first : { items: first.items };
    });
  }

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    return this.cache.getOrLoad(key, load) as Promise<T>;
  }
}

function withAliases(version: RemoteVersionSummary, model: RemoteModelSummary): RemoteVersionSummary {
  if (version.aliases.length > 0) return version;
  const aliases = model.aliases.filter((a) => a.version === version.version).map((a) => a.alias);
  return aliases.length > 0 ? { ...version, aliases } : version;
}

function page<T>(reply: Wire, field: string, read: (wire: Wire) => T): RemotePage<T> {
  const items = Array.isArray(reply[field]) ? (reply[field] as Wire[]).map(read) : [];
  const token = reply.next_page_token;
  return typeof token === 'string' && token !== '' ? { items, nextPageToken: token } : { items };
}

/** A string literal of MLflow's filter language: quoted with whichever quote the text lacks. */
export function quoteFilterString(value: string): string {
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('"')) return `"${value}"`;
  throw new Error(`a model name with both quote characters cannot be searched for: ${value}`);
}

/** One line a person can act on: why the server did not answer, and what to do. */
export function describeRemoteFailure(error: unknown): string {
  if (RemoteError.is(error)) {
    if (error.status === 401) return 'Unauthorized (401): the server refused the credentials; add the server again with the right token or password';
    if (error.status === 403) return 'Forbidden (403): these credentials may not read this server';
    if (error.status === 404) return `Not found (404): is this an MLflow tracking server? ${error.message}`;
    return `The server answered ${error.status} ${error.errorCode}: ${error.message}`;
  }
  if (RemoteUnavailableError.is(error)) {
    const last = /last: (.*)$/.exec(error.message)?.[1] ?? error.message;
    return `Unreachable: ${last === 'timed out' ? 'no answer in time' : last}`;
  }
  return error instanceof Error ? error.message : String(error);
}
