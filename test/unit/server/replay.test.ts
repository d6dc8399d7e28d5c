// Issue 3, point 5: every request that the real MLflow 3.6 client made against a real MLflow server
// (test/fixtures/mlflow-contract/requests.jsonl) is replayed in order against a fresh RunLens
// server. Ids are mapped from the recording to ours as replies introduce them; each reply must
// match the recorded one in status, error code and every field the recording holds.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  isBinaryHead,
  isNonJsonBody,
  isTruncatedJson,
  loadContract,
  type ContractRecord,
} from './contract/contractRecord';
import { compareReply } from './contract/compareReply';
import { IdMap } from './contract/idMap';
import { sendRecorded } from './contract/replayRequest';
import { rebuildTruncatedJson } from './contract/truncatedJson';
import type { Reply } from './support/httpClient';
import { startTestServer, type TestServer } from './support/testServer';

interface RecordedPoint {
  readonly key: string;
  readonly value: number;
  readonly timestamp: number;
  readonly step: number;
}

interface RecordedRun {
  readonly info: { readonly run_id: string };
  readonly data?: { readonly metrics?: readonly RecordedPoint[] };
}

const pointKey = (runId: string, p: RecordedPoint) => `${runId}\n${p.key}\n${p.step}\n${p.timestamp}`;

/**
 * Where RunLens answers differently on purpose. This log keeps only the size of the OTLP span
 * body, so the zeros sent in its place are refused (400), and batchGet then has no complete trace
 * to serve; traceReplay.test.ts replays the tracing session with its real bodies. An unknown
 * endpoint is a JSON 404 ENDPOINT_NOT_FOUND rather than Flask's HTML page, which the client reads
 * as the same error code.
 */
function deliberateDifference(record: ContractRecord): { status: number; errorCode?: string } | undefined {
  if (record.path === '/v1/traces') return { status: 400, errorCode: 'INVALID_PARAMETER_VALUE' };
  if (record.path === '/api/3.0/mlflow/traces/batchGet') return { status: 200 };
  if (record.status === 404 && record.resp_content_type?.startsWith('text/html')) {
    return { status: 404, errorCode: 'ENDPOINT_NOT_FOUND' };
  }
  return undefined;
}

describe('MLflow contract replay', () => {
  const records = loadContract();
  const ids = new IdMap();
  /** Experiment names the replay created: the recording read one ('timing') made outside its proxy. */
  const createdExperiments = new Set<string>();
  /** Metric points the replay logged, in recorded ids: `run, key, step, timestamp`. */
  const loggedPoints = new Set<string>();
  let t: TestServer;

  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t?.close();
  });

  test('the fixture is the full captured session', () => {
    assert.equal(records.length, 103);
    assert.deepEqual(
      records.map((r) => r.seq),
      records.map((_, i) => i + 1),
    );
  });

  for (const record of records) {
    test(`#${record.seq} ${record.phase}: ${record.method} ${record.path}`, async () => {
      await createExperimentReadButNeverCreated(record);
      await logPointsLoggedAroundTheProxy(record);
      noteLoggedPoints(record);
      const reply = await sendRecorded(t.client, ids, record);
      const difference = deliberateDifference(record);
      if (difference !== undefined) {
        assert.equal(reply.status, difference.status, reply.text);
        if (difference.errorCode !== undefined) assert.equal(reply.json().error_code, difference.errorCode);
        return;
      }
      assert.equal(reply.status, record.status, `status: ${reply.text.slice(0, 500)}`);
      if (record.path === '/version') return checkVersion(reply);
      if (isNonJsonBody(record.resp_body)) return checkDownload(record, reply);
      const ours = reply.json();
      if (record.status !== 200) {
        const recorded = record.resp_body as { error_code: string };
        assert.equal(ours.error_code, recorded.error_code, JSON.stringify(ours));
        assert.ok(typeof ours.message === 'string' && ours.message.length > 0, 'an error has a message');
        return;
      }
      if (record.path === '/api/2.0/mlflow/experiments/create') {
        createdExperiments.add((record.req_body as { name: string }).name);
      }
      const recorded = isTruncatedJson(record.resp_body)
        ? rebuildTruncatedJson(record.resp_body._truncated_json, record.resp_body._size, 'indent2')
        : record.resp_body;
      ids.learn(recorded, ours);
      const differences = compareReply(ids.map(recorded), ours);
      assert.deepEqual(differences, [], `reply differs from MLflow's:\n${differences.join('\n')}`);
    });
  }

  test('no request of the session was a server bug (500)', () => {
    assert.deepEqual(t.logged, []);
  });

  /** The recording's 'timing' experiment was made outside the proxy: make it here, and learn its id. */
  async function createExperimentReadButNeverCreated(record: ContractRecord): Promise<void> {
    if (record.path !== '/api/2.0/mlflow/experiments/get-by-name' || record.status !== 200) return;
    const name = record.query.experiment_name;
    if (createdExperiments.has(name)) return;
    const created = await t.client.api('experiments/create', { name });
    assert.equal(created.status, 200, created.text);
    createdExperiments.add(name);
    const recordedId = (record.resp_body as { experiment: { experiment_id: string } }).experiment.experiment_id;
    ids.learn({ experiment_id: recordedId }, created.json());
  }

  /**
   * The timing phase also logged 998 `m_loop` points straight to the server, around the capturing
   * proxy (ENDPOINTS.md times them); the recording shows their effect in a later runs/get, as the
   * run's latest m_loop. Each latest point that a reply shows and no replayed request logged is
   * logged here, as it was there.
   */
  async function logPointsLoggedAroundTheProxy(record: ContractRecord): Promise<void> {
    const reply = record.resp_body as { run?: RecordedRun; runs?: RecordedRun[] } | null;
    for (const run of [...(reply?.run ? [reply.run] : []), ...(reply?.runs ?? [])]) {
      for (const m of run.data?.metrics ?? []) {
        if (loggedPoints.has(pointKey(run.info.run_id, m))) continue;
        const body = { run_id: run.info.run_id, key: m.key, value: m.value, timestamp: m.timestamp, step: m.step };
        const logged = await t.client.api('runs/log-metric', ids.map(body));
        assert.equal(logged.status, 200, logged.text);
        loggedPoints.add(pointKey(run.info.run_id, m));
      }
    }
  }

  function noteLoggedPoints(record: ContractRecord): void {
    const body = record.req_body;
    if (record.path === '/api/2.0/mlflow/runs/log-metric') {
      const point = body as RecordedPoint & { run_id: string };
      loggedPoints.add(pointKey(point.run_id, point));
    } else if (record.path === '/api/2.0/mlflow/runs/log-batch') {
      const batch = (isTruncatedJson(body) ? rebuildTruncatedJson(body._truncated_json, body._size, 'compact') : body) as {
        run_id: string;
        metrics?: RecordedPoint[];
      };
      for (const point of batch.metrics ?? []) loggedPoints.add(pointKey(batch.run_id, point));
    }
  }

  function checkVersion(reply: Reply): void {
    assert.match(String(reply.headers['content-type']), /^text\//);
    const [major, minor] = reply.text.split('.').map(Number);
    assert.ok(major > 3 || (major === 3 && minor >= 4), `'${reply.text}' must read as MLflow >= 3.4`);
  }

  function checkDownload(record: ContractRecord, reply: Reply): void {
    const recorded = record.resp_body as { _non_json_size: number; _content_type: string; _head: string };
    const mediaType = (value: unknown) => String(value).split(';')[0].trim();
    assert.equal(mediaType(reply.headers['content-type']), mediaType(recorded._content_type));
    assert.equal(reply.body.length, recorded._non_json_size);
    if (!isBinaryHead(recorded._head)) {
      assert.equal(reply.text.slice(0, recorded._head.length), ids.mapText(recorded._head));
    }
  }
});
