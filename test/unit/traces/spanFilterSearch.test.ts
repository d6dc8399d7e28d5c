// Issue 16: MLflow 3.6's span filters in traces/search (`span.name`, `span.type`, `span.status`,
// `span.attributes.<key>`), over real HTTP on loopback with spans sent as MLflow's client sends
// them (one OTLP export per span, typed attribute values), against the span attributes table that
// ingestion fills; and a store made before that table existed (schema 7, spans already in their
// files) that indexes its traces after opening and then answers the same filters.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { Database } from '../../../src/core/store/database';
import { migrations } from '../../../src/core/store/schema';
import { WorkspaceStore } from '../../../src/core/store/workspaceStore';
import { SpanFiles, spanLine } from '../../../src/core/traces/spanFiles';
import { outlineOf } from '../../../src/core/traces/spanJson';
import { startServer } from '../../../src/server/server';
import { HttpClient } from '../server/support/httpClient';
import { span } from './traceFixtures';

type OtlpValue = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };

/** One span of one trace, as MLflow's client exports it over OTLP/JSON when the span ends. */
function otlpSpan(traceHex: string, name: string, attributes: Readonly<Record<string, OtlpValue>>) {
  return {
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: [
              {
                traceId: traceHex,
                spanId: randomBytes(8).toString('hex'),
                name,
                startTimeUnixNano: '1796546883464671551',
                endTimeUnixNano: '1796546883565342052',
                attributes: [{ key: 'mlflow.traceRequestId', value: { stringValue: `tr-${traceHex}` } }, ...Object.entries(attributes).map(([key, value]) => ({ key, value }))],
                status: { code: 1 },
              },
            ],
          },
        ],
      },
    ],
  };
}

async function openServed(dir: string) {
  const store = await WorkspaceStore.open(dir, { idleCheckpointMs: 0 });
  const token = randomBytes(16).toString('hex');
  const server = await startServer({ store: store.tracking, registry: store.registry, artifacts: store.artifacts, traces: store.traces, token });
  const client = new HttpClient(server.url, token);
  return {
    store,
    client,
    /** traces/search as the client sends it; the ids found, sorted, or the error reply. */
    async search(experimentId: string, filter: string): Promise<{ status: number; ids: string[]; error?: { error_code: string; message: string } }> {
      const reply = await client.post('/api/3.0/mlflow/traces/search', {
        locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }],
        filter,
        max_results: 100,
      });
      if (reply.status !== 200) return { status: reply.status, ids: [], error: reply.json() };
      const traces = reply.json<{ traces?: { trace_id: string }[] }>().traces ?? [];
      return { status: 200, ids: traces.map((trace) => trace.trace_id).sort() };
    },
    async close(): Promise<void> {
      client.close();
      await server.close();
      store.close();
    },
  };
}

describe('span filters in traces/search', () => {
  test('span.name, span.type and span.attributes.<key> find the traces with such a span, as MLflow 3.6 accepts them', async (t) => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'runlens-span-filter-'));
    const served = await openServed(path.join(root, '.runlens'));
    t.after(async () => {
      await served.close();
      rmSync(root, { recursive: true, force: true });
    });
    const experimentId = served.store.tracking.createExperiment({ name: 'agents' });
    const gpt = randomBytes(16).toString('hex');
    const claude = randomBytes(16).toString('hex');
    const exports = [
      otlpSpan(gpt, 'retrieve', { 'mlflow.spanType': { stringValue: 'RETRIEVER' }, 'retriever.top_k': { intValue: '5' } }),
      otlpSpan(gpt, 'llm_call', {
        'mlflow.spanType': { stringValue: 'LLM' },
        'gen_ai.request.model': { stringValue: 'gpt-4o-mini' },
        temperature: { doubleValue: 0.7 },
        'session.id': { stringValue: "conversation-1 'quoted'" },
        streamed: { boolValue: true },
      }),
      otlpSpan(claude, 'llm_call', { 'mlflow.spanType': { stringValue: 'LLM' }, 'gen_ai.request.model': { stringValue: 'claude-sonnet' }, temperature: { doubleValue: 0.2 } }),
    ];
    for (const body of exports) {
      const reply = await served.client.request('POST', '/v1/traces', {
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': experimentId },
      });
      assert.equal(reply.status, 200, reply.text);
    }
    const both = [`tr-${gpt}`, `tr-${claude}`].sort();
    const cases: [string, string[]][] = [
      ["span.name = 'retrieve'", [`tr-${gpt}`]],
      ["span.name LIKE 'llm%'", both],
      ["span.type = 'RETRIEVER'", [`tr-${gpt}`]],
      ["span.type IN ('LLM', 'TOOL')", both],
      ["span.type != 'LLM'", [`tr-${gpt}`]],
      ["span.status = 'OK'", both],
      // The form MLflow's documentation gives: LIKE with wildcards.
      ["span.attributes.gen_ai.request.model LIKE '%gpt%'", [`tr-${gpt}`]],
      ["span.attributes.gen_ai.request.model ILIKE '%CLAUDE%'", [`tr-${claude}`]],
      ["span.attributes.gen_ai.request.model = 'claude-sonnet'", [`tr-${claude}`]],
      ["span.attributes.gen_ai.request.model IN ('gpt-4o-mini', 'o3')", [`tr-${gpt}`]],
      // Numbers and booleans compare as their JSON text.
      ["span.attributes.temperature = '0.7'", [`tr-${gpt}`]],
      ["span.attributes.temperature LIKE '0.%'", both],
      ["span.attributes.retriever.top_k = '5'", [`tr-${gpt}`]],
      ["span.attributes.streamed = 'true'", [`tr-${gpt}`]],
      // A value with a quote, the whole key quoted: the value is bound, never spliced into SQL.
      ["span.`attributes.session.id` = 'conversation-1 ''quoted'''", [`tr-${gpt}`]],
      ["span.attributes.mlflow.spanType = 'RETRIEVER'", [`tr-${gpt}`]],
      // Two span filters may be met by different spans of the trace, as in MLflow's SQL store.
      ["span.type = 'RETRIEVER' AND span.attributes.gen_ai.request.model LIKE 'gpt%'", [`tr-${gpt}`]],
      ["span.attributes.gen_ai.request.model = 'gpt'", []],
      ["span.attributes.no_such_attribute LIKE '%'", []],
      // The trace's id is searched as request_id, not as a span attribute.
      [`span.attributes.mlflow.traceRequestId = 'tr-${gpt}'`, []],
    ];
    for (const [filter, expected] of cases) {
      const found = await served.search(experimentId, filter);
      assert.equal(found.status, 200, `${filter}: ${found.error?.message}`);
      assert.deepEqual(found.ids, expected, filter);
    }
  });

  test('span fields MLflow does not know, and operators that do not apply, are 400 INVALID_PARAMETER_VALUE', async (t) => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'runlens-span-filter-'));
    const served = await openServed(path.join(root, '.runlens'));
    t.after(async () => {
      await served.close();
      rmSync(root, { recursive: true, force: true });
    });
    const cases: [string, RegExp][] = [
      ["span.kind = 'x'", /unknown span field 'kind': use one of name, type, status, attributes\.<key>/],
      ["span.attributes.model > 'a'", /span\.attributes\.model comparator '>' not one of '\{'!=', '=', 'IN', 'NOT IN', 'LIKE', 'ILIKE', 'RLIKE'\}'/],
      ['span.attributes.temperature = 0.7', /expected a quoted string for span attribute 'temperature'/],
      ["span.attributes. = 'x'", /expected more of the key after '\.'/],
    ];
    for (const [filter, message] of cases) {
      const found = await served.search('0', filter);
      assert.equal(found.status, 400, filter);
      assert.equal(found.error?.error_code, 'INVALID_PARAMETER_VALUE', filter);
      assert.match(found.error?.message ?? '', message, filter);
    }
  });

  test('a store made before span attributes were searchable (schema 7) indexes its stored spans after opening', async (t) => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'runlens-span-filter-old-'));
    const dir = path.join(root, '.runlens');
    // What the previous RunLens wrote: trace rows and span outlines in the database, payloads in span files.
    const old = await Database.open({ dir, migrations: migrations.filter((m) => m.version <= 7), idleCheckpointMs: 0 });
    const spanFiles = new SpanFiles(path.join(dir, 'traces'));
    const traceIds = ['tr-' + 'a'.repeat(32), 'tr-' + 'b'.repeat(32)];
    for (const [i, traceId] of traceIds.entries()) {
      const stored = span({ traceId, name: 'llm_call', startMs: 1000 + i, durationMs: 5, type: 'LLM', functionName: i === 0 ? 'answer' : 'summarize' });
      await spanFiles.append(traceId, [spanLine(stored)]);
      const outline = outlineOf(stored);
      old.write((tx) => {
        tx.run(`INSERT INTO traces (trace_id, experiment_id, request_time, execution_ms, state, info_logged) VALUES (?, 0, ?, 5, 'OK', 1)`, [traceId, 1000 + i]);
        tx.run(
          `INSERT INTO trace_spans (trace_id, span_id, parent_span_id, name, span_type, status, start_ns, end_ns) VALUES (?, ?, NULL, ?, ?, 'OK', ?, ?)`,
          [traceId, outline.spanId, outline.name, outline.spanType, outline.startNs, outline.endNs],
        );
      });
    }
    old.close();

    const served = await openServed(dir);
    t.after(async () => {
      await served.close();
      rmSync(root, { recursive: true, force: true });
    });
    assert.equal(served.store.db.get<{ v: number }>('SELECT user_version AS v FROM pragma_user_version')?.v, Math.max(...migrations.map((m) => m.version)));
    // What the old store answered it still answers at once.
    assert.deepEqual((await served.search('0', "span.type = 'LLM'")).ids, traceIds);
    // Open started the indexing in the background; this waits for that run (or finds it done).
    await served.store.traces.indexPendingSpanAttributes();
    assert.deepEqual((await served.search('0', "span.attributes.mlflow.spanFunctionName = 'answer'")).ids, [traceIds[0]]);
    assert.deepEqual((await served.search('0', "span.attributes.mlflow.spanType = 'LLM'")).ids, traceIds);
    assert.equal(served.store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM trace_attributes_pending')?.n, 0, 'nothing left pending');
  });
});
