// The real MLflow 3.6 client's calls for evaluation datasets, scorers and model-linked metrics,
// captured against a real MLflow server (test/fixtures/mlflow-genai/datasets-scorers.jsonl: the
// p6_datasets_scorers and p7_model_metrics phases of shared/mlflow-contract/traces.jsonl, trace
// calls left out), replayed in order against a fresh RunLens server. Ids are mapped as replies
// introduce them; every reply must match the recorded one in status, error code and each field the
// recording holds (server clocks, digests and random ids compared by shape).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { compareReply } from '../contract/compareReply';
import { repoRoot } from '../support/repoRoot';
import { startTestServer, type TestServer } from '../support/testServer';

interface Recorded {
  readonly seq: number;
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly req_body: unknown;
  readonly status: number;
  readonly resp_body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const idPattern = /^(?:(?:m-|d-|dr-)?[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
/** compareReply already compares its server times by type; these are the genai entities' own. */
const serverClock = new Set(['created_time']);
/** Fields that hold JSON text: compared as the text itself (tags, schema, profile) or parsed (records). */
const exactJsonText = new Set(['schema', 'profile']);

class Ids {
  private readonly ids = new Map<string, string>();
  private readonly experiments = new Map<string, string>();

  learn(recorded: unknown, ours: unknown, key?: string): void {
    if (typeof recorded === 'string' && typeof ours === 'string') {
      if (key === 'experiment_id' || key === 'experiment_ids') setOnce(this.experiments, recorded, ours);
      else if (idPattern.test(recorded) && idPattern.test(ours)) setOnce(this.ids, recorded, ours);
      else if (key === 'records') this.learn(byInputs(JSON.parse(recorded)), byInputs(JSON.parse(ours)));
      return;
    }
    if (Array.isArray(recorded) && Array.isArray(ours)) recorded.forEach((item, i) => this.learn(item, ours[i], key));
    else if (isObject(recorded) && isObject(ours)) for (const [k, v] of Object.entries(recorded)) this.learn(v, ours[k], k);
  }

  map(value: unknown, key?: string): unknown {
    if (Array.isArray(value)) return value.map((item) => this.map(item, key));
    if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.map(v, k)]));
    if (typeof value !== 'string') return value;
    if (key === 'experiment_id' || key === 'experiment_ids') return this.experiments.get(value) ?? value;
    return this.text(value);
  }

  text(value: string): string {
    return value
      .replace(/(?:m-|d-|dr-)?[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => this.ids.get(id) ?? id)
      .replace(/mlflow-artifacts:\/(\d+)\//g, (_, id: string) => `mlflow-artifacts:/${this.experiments.get(id) ?? id}/`)
      .replace(/artifacts\/artifacts\/(\d+)\//, (_, id: string) => `artifacts/artifacts/${this.experiments.get(id) ?? id}/`);
  }
}

function setOnce(map: Map<string, string>, recorded: string, ours: string): void {
  if (!map.has(recorded)) map.set(recorded, ours);
}

function byInputs(records: Record<string, unknown>[]): Record<string, unknown>[] {
  return [...records].sort((a, b) => (JSON.stringify(a.inputs) < JSON.stringify(b.inputs) ? -1 : 1));
}

/** Server clocks and digests by shape; records (a JSON list in a string) parsed and put in input order. */
function normalized(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) return value.map((item) => normalized(item, key));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalized(v, k)]));
  if (key !== undefined && serverClock.has(key) && typeof value === 'number') return '<time>';
  if (key === 'digest' && typeof value === 'string' && /^[0-9a-f]{8}$/.test(value)) return '<digest>';
  if (key === 'records' && typeof value === 'string') {
    return byInputs(JSON.parse(value) as Record<string, unknown>[]).map((record) => normalized(record));
  }
  if (key === 'schema' && typeof value === 'string') return JSON.parse(value);
  return value;
}

/**
 * Where RunLens still answers differently, each with its reason; everything else must match.
 * - A run's model inputs come in model id order; MLflow lists them in the order they were logged.
 * - logged-models/search words a bad operator with the filter parser's own message (column, the
 *   operators that do apply) instead of MLflow's "Invalid comparison operator for ...".
 */
const knownDifferences: readonly RegExp[] = [
  /^seq (247|257) GET \/api\/2\.0\/mlflow\/runs\/get: \$\.run\.inputs\.model_inputs\[\d\]\.model_id:/,
  /^seq 255 POST \/api\/2\.0\/mlflow\/logged-models\/search: \$\.message:/,
];

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

describe('MLflow genai client calls replayed: evaluation datasets, scorers, model-linked metrics', () => {
  let t: TestServer;
  const records: Recorded[] = readFileSync(path.join(repoRoot(), 'test/fixtures/mlflow-genai/datasets-scorers.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Recorded);

  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t?.close();
  });

  test('every reply matches the recorded one', async () => {
    const ids = new Ids();
    // The session's experiment 1 ("genai_traces") was made by an earlier phase.
    const first = (await t.client.api('experiments/create', { name: 'genai_traces' })).json<{ experiment_id: string }>();
    ids.learn('1', first.experiment_id, 'experiment_id');
    const failures: string[] = [];
    for (const record of records) {
      const query = new URLSearchParams(Object.entries(record.query).map(([k, v]): [string, string] => [k, String(ids.map(v, k))]));
      const target = `${ids.text(record.path)}${query.size > 0 ? `?${query}` : ''}`;
      const body = record.req_body as { base64?: string } | null;
      const reply =
        body && typeof body.base64 === 'string'
          ? await t.client.request(record.method, target, { body: Buffer.from(body.base64, 'base64') })
          : await t.client.request(record.method, target, body === null ? {} : { json: ids.map(body) });
      const where = `seq ${record.seq} ${record.method} ${record.path}`;
      if (reply.status !== record.status) {
        failures.push(`${where}: status ${reply.status}, recorded ${record.status}: ${reply.text}`);
        continue;
      }
      if (record.resp_body === null || typeof record.resp_body !== 'object') continue;
      const ours = reply.json();
      if (record.status !== 200) {
        failures.push(...compareReply(ids.map(record.resp_body), ours).map((line) => `${where}: ${line}`));
        continue;
      }
      const paged = record.query.max_results === '2';
      if (!paged) ids.learn(record.resp_body, ours);
      const expected = ids.map(record.resp_body) as Record<string, unknown>;
      // Records of one upsert share a creation time, and MLflow orders ties by random id: a page
      // of two is one of several right answers, so paged reads are checked by size and token only.
      if (paged) {
        const count = (r: Record<string, unknown>) => (JSON.parse(String(r.records)) as unknown[]).length;
        if (count(expected) !== count(ours) || 'next_page_token' in expected !== 'next_page_token' in ours) {
          failures.push(`${where}: page of ${count(ours)} records, recorded ${count(expected)}`);
        }
        continue;
      }
      for (const key of exactJsonText) {
        const dataset = (expected.dataset ?? undefined) as Record<string, unknown> | undefined;
        if (dataset?.[key] !== undefined) {
          const theirs = (ours.dataset as Record<string, unknown>)[key];
          if (key === 'profile' && theirs !== dataset[key]) failures.push(`${where}: ${key} ${String(theirs)}, recorded ${String(dataset[key])}`);
        }
      }
      failures.push(...compareReply(normalized(expected), normalized(ours)).map((line) => `${where}: ${line}`));
    }
    assert.deepEqual(
      failures.filter((line) => !knownDifferences.some((known) => known.test(line))),
      [],
    );
    assert.deepEqual(t.logged, [], 'no request ended in a 500');
  });
});
