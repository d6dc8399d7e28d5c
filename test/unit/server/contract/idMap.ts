/**
 * Ids in the captured session (experiment ids, run ids, logged model ids, generated run names,
 * model versions) against the ids the server under test hands out for the same requests.
 *
 * `learn` walks a recorded reply beside ours and records each id the recording introduced; `map`
 * rewrites recorded text or JSON (requests to send, replies to expect) into our ids. Run and model
 * ids are 32 hex digits, unique enough to replace wherever they occur; experiment ids are small
 * numbers, replaced only where an experiment id stands (id fields, the first segment of an
 * artifact path, `mlflow-artifacts:/<id>`).
 */
export class IdMap {
  private readonly hexIds = new Map<string, string>();
  private readonly experiments = new Map<string, string>();
  private readonly runNames = new Map<string, string>();
  /** `${model name}\n${recorded version}` → our version. */
  private readonly versions = new Map<string, string>();

  learn(recorded: unknown, ours: unknown): void {
    if (Array.isArray(recorded) && Array.isArray(ours)) {
      const byKey = uniqueKeys(recorded) && uniqueKeys(ours);
      recorded.forEach((item, i) => {
        const counterpart = byKey ? ours.find((o) => (o as { key: unknown }).key === (item as { key: unknown }).key) : ours[i];
        this.learn(item, counterpart);
      });
      return;
    }
    if (!isObject(recorded) || !isObject(ours)) return;
    for (const [key, value] of Object.entries(recorded)) {
      const theirs = ours[key];
      if (typeof value === 'string' && typeof theirs === 'string') this.learnField(key, value, theirs, recorded, ours);
      else this.learn(value, theirs);
    }
  }

  private learnField(
    key: string,
    recorded: string,
    ours: string,
    recordedObject: Record<string, unknown>,
    ourObject: Record<string, unknown>,
  ): void {
    if (key === 'experiment_id') setOnce(this.experiments, recorded, ours);
    else if (idKeys.has(key) && hexId.test(recorded) && hexId.test(ours)) setOnce(this.hexIds, recorded, ours);
    else if (key === 'run_name') setOnce(this.runNames, recorded, ours);
    else if (key === 'version' && typeof recordedObject.name === 'string') {
      setOnce(this.versions, `${this.mapText(recordedObject.name)}\n${recorded}`, ours);
    } else if (key === 'value' && recordedObject.key === 'mlflow.runName' && ourObject.key === 'mlflow.runName') {
      setOnce(this.runNames, recorded, ours);
    }
  }

  /** Recorded JSON rewritten into our ids. */
  map(value: unknown, key?: string, parent?: Record<string, unknown>): unknown {
    if (Array.isArray(value)) return value.map((item) => this.map(item, key, parent));
    if (isObject(value)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.map(v, k, value)]));
    }
    if (typeof value !== 'string') return value;
    if (key === 'experiment_id' || key === 'experiment_ids') return this.experiments.get(value) ?? value;
    if (key === 'run_name') return this.runNames.get(value) ?? value;
    if (key === 'value' && parent?.key === 'mlflow.runName') return this.runNames.get(value) ?? value;
    if (key === 'version' && typeof parent?.name === 'string') {
      return this.versions.get(`${this.mapText(parent.name)}\n${value}`) ?? value;
    }
    return this.mapText(value);
  }

  /** Free text: hex ids anywhere, experiment ids inside `mlflow-artifacts:` URIs. */
  mapText(text: string): string {
    return text
      .replace(/[0-9a-f]{32}/g, (id) => this.hexIds.get(id) ?? this.hexIds.get(`m-${id}`)?.slice(2) ?? this.hexIds.get(`a-${id}`)?.slice(2) ?? id)
      .replace(/mlflow-artifacts:\/(\d+)(?=\/|$)/g, (_, id: string) => `mlflow-artifacts:/${this.experiments.get(id) ?? id}`);
  }

  /** An experiment id where one stands alone (the `x-mlflow-experiment-id` header). */
  mapExperimentId(id: string): string {
    return this.experiments.get(id) ?? id;
  }

  /** A path inside the artifact store: `<experiment>/<run>/artifacts/...` or `<experiment>/models/...`. */
  mapArtifactPath(storePath: string): string {
    const [first, ...rest] = storePath.split('/');
    return [this.experiments.get(first) ?? first, ...rest].map((s) => this.mapText(s)).join('/');
  }

  /** Request query parameters: `experiment_id` and artifact `path` by meaning, the rest as text. */
  mapQuery(query: Readonly<Record<string, string>>, artifactListing: boolean): Record<string, string> {
    return Object.fromEntries(
      Object.entries(query).map(([k, v]) => [
        k,
        k === 'path' && artifactListing ? this.mapArtifactPath(v) : (this.map(v, k, query) as string),
      ]),
    );
  }
}

const hexId = /^(m-|a-)?[0-9a-f]{32}$/;
/** Server-made ids: runs, logged models (`m-`), assessments (`a-`), v2 trace request ids. */
const idKeys = new Set(['run_id', 'run_uuid', 'source_run_id', 'model_id', 'assessment_id', 'request_id']);

function setOnce(map: Map<string, string>, recorded: string, ours: string): void {
  if (!map.has(recorded)) map.set(recorded, ours);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Lists of `{key, ...}` with distinct keys (tags, params, latest metrics) are matched by key, not position. */
export function uniqueKeys(list: readonly unknown[]): boolean {
  const keys = list.map((item) => (isObject(item) && typeof item.key === 'string' ? item.key : undefined));
  return keys.every((k) => k !== undefined) && new Set(keys).size === keys.length;
}
