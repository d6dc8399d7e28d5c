// Issue 16: the trace routes over real HTTP on loopback, beyond what the captured session covers:
// OTLP/JSON, refusals (no experiment header, wrong body, no token), span payloads kept in files
// that a store reopened by another process serves, and a store made before traces existed.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { Database } from '../../../src/core/store/database';
import { migrations } from '../../../src/core/store/schema';
import { WorkspaceStore } from '../../../src/core/store/workspaceStore';
import { contentSignaturesFile } from '../../../src/core/traces/contentSignatures';
import { startServer } from '../../../src/server/server';
import { HttpClient } from '../server/support/httpClient';
import { startTestServer } from '../server/support/testServer';

/** An OTLP/JSON export of one span (hex ids, as the OTLP spec encodes them in JSON). */
function otlpJson(traceHex: string, spanHex: string, name: string, parentHex?: string) {
  return {
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: [
              {
                traceId: traceHex,
                spanId: spanHex,
                ...(parentHex ? { parentSpanId: parentHex } : {}),
                name,
                kind: 1,
                startTimeUnixNano: '1796546883464671551',
                endTimeUnixNano: '1796546883565342052',
                attributes: [
                  { key: 'mlflow.spanType', value: { stringValue: 'LLM' } },
                  { key: 'mlflow.spanInputs', value: { kvlistValue: { values: [{ key: 'q', value: { intValue: '3' } }] } } },
                ],
                status: { code: 1 },
              },
            ],
          },
        ],
      },
    ],
  };
}

describe('trace routes', () => {
  test('OTLP/JSON spans (plain and gzip) are stored and served by batchGet in MLflow proto JSON', async (t) => {
    const server = await startTestServer();
    t.after(() => server.close());
    const experimentId = server.store.createExperiment({ name: 'json' });
    const traceHex = randomBytes(16).toString('hex');
    const headers = { 'content-type': 'application/json', 'x-mlflow-experiment-id': experimentId };
    const root = await server.client.request('POST', '/v1/traces', { body: JSON.stringify(otlpJson(traceHex, 'aaaaaaaaaaaaaaaa', 'root')), headers });
    assert.equal(root.status, 200, root.text);
    assert.deepEqual(root.json(), {});
    const child = await server.client.request('POST', '/v1/traces', {
      body: gzipSync(JSON.stringify(otlpJson(traceHex, 'bbbbbbbbbbbbbbbb', 'child', 'aaaaaaaaaaaaaaaa'))),
      headers: { ...headers, 'content-encoding': 'gzip' },
    });
    assert.equal(child.status, 200, child.text);

    // A trace from a plain OpenTelemetry exporter (no StartTraceV3): its root span gives it a state and a name.
    const info = await server.client.get(`/api/3.0/mlflow/traces/tr-${traceHex}`);
    const traceInfo = info.json<{ trace: { trace_info: { state: string; tags: Record<string, string>; execution_duration: string } } }>().trace.trace_info;
    assert.equal(traceInfo.state, 'OK');
    assert.equal(traceInfo.tags['mlflow.traceName'], 'root');
    assert.equal(traceInfo.tags['mlflow.trace.spansLocation'], 'TRACKING_STORE');
    assert.equal(traceInfo.execution_duration, '0.101s');

    const batch = await server.client.get(`/api/3.0/mlflow/traces/batchGet?trace_ids=tr-${traceHex}`);
    const spans = batch.json<{ traces: { spans: Record<string, unknown>[] }[] }>().traces[0].spans;
    assert.deepEqual(
      spans.map((s) => [s.name, s.span_id, s.parent_span_id]),
      [
        ['root', Buffer.from('aaaaaaaaaaaaaaaa', 'hex').toString('base64'), undefined],
        ['child', Buffer.from('bbbbbbbbbbbbbbbb', 'hex').toString('base64'), Buffer.from('aaaaaaaaaaaaaaaa', 'hex').toString('base64')],
      ],
    );
    assert.equal(spans[0].trace_id, Buffer.from(traceHex, 'hex').toString('base64'));
    assert.equal(spans[0].start_time_unix_nano, '1796546883464671551', 'nanoseconds past 2^53 kept exactly');
    assert.deepEqual(spans[0].attributes, [
      { key: 'mlflow.spanType', value: { string_value: 'LLM' } },
      { key: 'mlflow.spanInputs', value: { kvlist_value: { values: [{ key: 'q', value: { int_value: 3 } }] } } },
    ]);
    assert.deepEqual(server.logged, []);
  });

  test('span.content and text over HTTP, v3 and v2: the span files decide; under OR a 400 pointing at the field', async (t) => {
    const server = await startTestServer();
    t.after(() => server.close());
    const experimentId = server.store.createExperiment({ name: 'content' });
    const headers = { 'content-type': 'application/json', 'x-mlflow-experiment-id': experimentId };
    const named: Record<string, string> = {};
    for (const name of ['refund_lookup', 'weather_lookup']) {
      named[name] = randomBytes(16).toString('hex');
      const reply = await server.client.request('POST', '/v1/traces', { body: JSON.stringify(otlpJson(named[name], 'aaaaaaaaaaaaaaaa', name)), headers });
      assert.equal(reply.status, 200, reply.text);
    }
    const locations = [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }];
    const v3 = async (filter: string) => {
      const reply = await server.client.post('/api/3.0/mlflow/traces/search', { locations, filter });
      assert.equal(reply.status, 200, reply.text);
      return (reply.json<{ traces?: { trace_id: string }[] }>().traces ?? []).map((info) => info.trace_id).sort();
    };
    assert.deepEqual(await v3("span.content LIKE '%refund%'"), [`tr-${named.refund_lookup}`]);
    assert.deepEqual(await v3("span.content ILIKE '%LOOKUP%' AND span.content LIKE '%\"key\":\"q\"%'"), [`tr-${named.refund_lookup}`, `tr-${named.weather_lookup}`].sort());
    assert.deepEqual(await v3("text LIKE '%Refund%'"), []);
    const v2 = await server.client.get(`/api/2.0/mlflow/traces?experiment_ids=${experimentId}&filter=${encodeURIComponent("text ILIKE '%weather%'")}`);
    assert.equal(v2.status, 200, v2.text);
    assert.deepEqual(
      v2.json<{ traces: { request_id: string }[] }>().traces.map((info) => info.request_id),
      [`tr-${named.weather_lookup}`],
    );
    const refused = await server.client.post('/api/3.0/mlflow/traces/search', { locations, filter: "status = 'OK' OR span.content LIKE '%refund%'" });
    assert.equal(refused.status, 400);
    assert.equal(refused.json<{ error_code: string }>().error_code, 'INVALID_PARAMETER_VALUE');
    assert.match(refused.json<{ message: string }>().message, /^Invalid filter at column 18: span\.content searches the span files after the rest of the filter/);

    // A span file that cannot be read leaves its trace out of the page, and the server's log says so, once a search.
    const weatherFile = path.join(server.dir, 'traces', `tr-${named.weather_lookup}.jsonl`);
    rmSync(weatherFile);
    mkdirSync(weatherFile);
    assert.deepEqual(await v3("span.content LIKE '%lookup%'"), [`tr-${named.refund_lookup}`]);
    assert.equal(server.logged.length, 1);
    assert.match(server.logged[0], new RegExp(`left out 1 trace whose span files could not be searched \\(tr-${named.weather_lookup}: its span file could not be read \\(EISDIR\\)\\)`));
  });

  test('bad OTLP requests are 4xx the exporter does not retry, and nothing is kept', async (t) => {
    const server = await startTestServer();
    t.after(() => server.close());
    const experimentId = server.store.createExperiment({ name: 'refusals' });
    const body = JSON.stringify(otlpJson(randomBytes(16).toString('hex'), 'cccccccccccccccc', 'x'));
    const cases: [string, Record<string, string>, string | Buffer, number][] = [
      ['no experiment header', { 'content-type': 'application/json' }, body, 400],
      ['unknown experiment', { 'content-type': 'application/json', 'x-mlflow-experiment-id': '999' }, body, 404],
      ['other content type', { 'content-type': 'text/plain', 'x-mlflow-experiment-id': experimentId }, body, 400],
      ['not protobuf', { 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': experimentId }, Buffer.from([0xff, 0xff, 0xff]), 400],
      ['no spans', { 'content-type': 'application/json', 'x-mlflow-experiment-id': experimentId }, '{"resourceSpans": []}', 400],
      ['a zero trace id', { 'content-type': 'application/json', 'x-mlflow-experiment-id': experimentId }, JSON.stringify(otlpJson('0'.repeat(32), 'cccccccccccccccc', 'x')), 400],
    ];
    for (const [what, headers, payload, status] of cases) {
      const reply = await server.client.request('POST', '/v1/traces', { body: payload, headers });
      assert.equal(reply.status, status, `${what}: ${reply.text}`);
      assert.ok(typeof reply.json().error_code === 'string', what);
    }
    const unauthenticated = await server.client.request('POST', '/v1/traces', { body, headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': experimentId }, token: null });
    assert.equal(unauthenticated.status, 401);
    const search = await server.client.post('/api/3.0/mlflow/traces/search', { locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }] });
    assert.deepEqual(search.json(), {});
    assert.equal(existsSync(path.join(server.dir, 'traces')) ? readdirSync(path.join(server.dir, 'traces')).length : 0, 0);
  });

  test('spans live in .runlens/traces/, outside the database image, and a reopened store serves them', async (t) => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'runlens-trace-store-'));
    t.after(() => rmSync(root, { recursive: true, force: true }));
    const dir = path.join(root, '.runlens');
    const traceHex = randomBytes(16).toString('hex');
    {
      const store = await WorkspaceStore.open(dir, { idleCheckpointMs: 0 });
      const token = randomBytes(16).toString('hex');
      const server = await startServer({ store: store.tracking, registry: store.registry, artifacts: store.artifacts, traces: store.traces, token });
      const client = new HttpClient(server.url, token);
      const reply = await client.request('POST', '/v1/traces', {
        body: JSON.stringify(otlpJson(traceHex, 'dddddddddddddddd', 'kept')),
        headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': '0' },
      });
      assert.equal(reply.status, 200, reply.text);
      client.close();
      await server.close();
      // Killed rather than closed: no checkpoint; the journal and the span file carry it.
    }
    // The span file; beside it, the content signatures that index the span files
    // (core/traces/contentSignatures.ts), whose record of a new trace is written after the reply.
    assert.deepEqual(readdirSync(path.join(dir, 'traces')).filter((name) => name !== contentSignaturesFile), [`tr-${traceHex}.jsonl`]);
    rmSync(path.join(dir, 'owner.json'), { force: true });
    const reopened = await WorkspaceStore.open(dir, { idleCheckpointMs: 0 });
    try {
      const [trace] = await reopened.traces.batchGet([`tr-${traceHex}`]);
      assert.equal(trace.spans[0].name, 'kept');
    } finally {
      reopened.close();
    }
  });

  test('a store made before traces existed (schema 3) gains them on open, its runs intact', async (t) => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'runlens-trace-old-'));
    t.after(() => rmSync(root, { recursive: true, force: true }));
    const old = await Database.open({ dir: root, migrations: migrations.filter((m) => m.version <= 3), idleCheckpointMs: 0 });
    old.write((tx) => tx.run(`INSERT INTO experiments (experiment_id, name, artifact_location, creation_time, last_update_time) VALUES (7, 'old', 'mlflow-artifacts:/7', 1, 1)`));
    old.close();
    const upgraded = await Database.open({ dir: root, idleCheckpointMs: 0 });
    try {
      assert.equal(upgraded.get<{ user_version: number }>('PRAGMA user_version')?.user_version, Math.max(...migrations.map((m) => m.version)), 'the newest schema');
      assert.equal(upgraded.get<{ name: string }>('SELECT name FROM experiments WHERE experiment_id = 7')?.name, 'old');
      assert.equal(upgraded.get<{ n: number }>('SELECT COUNT(*) AS n FROM traces')?.n, 0);
    } finally {
      upgraded.close();
    }
  });
});
