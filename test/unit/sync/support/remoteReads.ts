import type { KeyValue, Metric } from '../../../../src/core/entities';

/** Reads from a tracking server over its REST API, as a separate client would. */
export class RemoteReader {
  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  async get<T>(path: string): Promise<T> {
    const response = await fetch(`${this.url}${path}`, { headers: { authorization: `Bearer ${this.token}` } });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    const response = await fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }

  run(runId: string): Promise<{ run: RemoteRunView }> {
    return this.get(`/api/2.0/mlflow/runs/get?run_id=${runId}`);
  }

  /** The whole history, every page, with NaN and the infinities back as numbers. */
  async history(runId: string, key: string): Promise<Metric[]> {
    const points: Metric[] = [];
    let token = '';
    do {
      const page = await this.get<{ metrics?: { key: string; value: number | string; timestamp: number; step: number }[]; next_page_token?: string }>(
        `/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=${encodeURIComponent(key)}&max_results=5000${token ? `&page_token=${encodeURIComponent(token)}` : ''}`,
      );
      for (const m of page.metrics ?? []) points.push({ key: m.key, value: Number(m.value), timestamp: Number(m.timestamp), step: Number(m.step) });
      token = page.next_page_token ?? '';
    } while (token);
    return points;
  }

  /** Every file under an artifact folder of the server's store, with its bytes. */
  async artifacts(root: string): Promise<Map<string, Buffer>> {
    const files = new Map<string, Buffer>();
    const walk = async (relative: string): Promise<void> => {
      const folder = relative ? `${root}/${relative}` : root;
      const listing = await this.get<{ files?: { path: string; is_dir: boolean }[] }>(`/api/2.0/mlflow-artifacts/artifacts?path=${encodeURIComponent(folder)}`);
      for (const entry of listing.files ?? []) {
        const child = relative ? `${relative}/${entry.path}` : entry.path;
        if (entry.is_dir) {
          await walk(child);
        } else {
          const response = await fetch(`${this.url}/api/2.0/mlflow-artifacts/artifacts/${folder}/${entry.path}`, { headers: { authorization: `Bearer ${this.token}` } });
          files.set(child, Buffer.from(await response.arrayBuffer()));
        }
      }
    };
    await walk('');
    return files;
  }
}

export interface RemoteRunView {
  readonly info: { run_id: string; experiment_id: string; status: string; start_time: number; end_time?: number; artifact_uri: string; run_name: string };
  readonly data: { params?: KeyValue[]; tags?: KeyValue[]; metrics?: { key: string }[] };
  readonly inputs?: { dataset_inputs?: { dataset: { name: string; digest: string } }[] };
  readonly outputs?: { model_outputs?: { model_id: string; step: number }[] };
}

/** A remote run's tags as a plain object. */
export function tagsOf(run: RemoteRunView): Record<string, string> {
  return Object.fromEntries((run.data.tags ?? []).map((tag) => [tag.key, tag.value]));
}
