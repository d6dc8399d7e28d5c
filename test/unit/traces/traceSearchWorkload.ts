import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Database } from '../../../src/core/store/database';
import type { TraceSearchRequest } from '../../../src/core/search/traceSearch';

// 100,000 traces as DESIGN.md's search budget (100 ms a search) sizes them, and the filter shapes
// timed against it: the scale test (test/unit/traces/traceScale.test.ts) checks what each finds,
// `npm run bench -- traces` prints each one's time beside the budget.

export const workloadTraceCount = 100_000;

/** The trace that alone has the rare model. */
export const rareTraceIndex = 12_345;

export function workloadTraceId(i: number): string {
  return `tr-${i.toString(16).padStart(32, '0')}`;
}

/**
 * Seeds `count` traces in one transaction, as an import would; the rows are those startTrace and
 * span ingestion write. Two spans a trace (an agent calling a model): the model is `model_<i % 20>`,
 * except trace rareTraceIndex's `rare-model`; every tenth trace is an ERROR, every hundredth calls a TOOL.
 */
export function seedTraces(db: Database, experimentId: string, count = workloadTraceCount): void {
  db.write((tx) => {
    const rows = Array.from({ length: count }, (_, i) => [workloadTraceId(i), Number(experimentId), 1_700_000_000_000 + i * 1000, (i * 7919) % 5000, i % 10 === 0 ? 'ERROR' : 'OK']);
    tx.runMany('INSERT INTO traces (trace_id, experiment_id, request_time, execution_ms, state, info_logged) VALUES (?, ?, ?, ?, ?, 1)', rows);
    tx.runMany('INSERT INTO trace_tags (trace_id, key, value) VALUES (?, ?, ?)', rows.map((row, i) => [row[0], 'env', i % 3 === 0 ? 'prod' : 'test']));
    tx.runMany('INSERT INTO trace_tags (trace_id, key, value) VALUES (?, ?, ?)', rows.map((row, i) => [row[0], 'mlflow.traceName', `agent_${i % 50}`]));
    const spans = rows.flatMap((row, i) => [
      [row[0], `a${i}`, null, 'agent', 'AGENT', 'OK', '1', '2'],
      [row[0], `l${i}`, `a${i}`, 'llm_call', i % 100 === 0 ? 'TOOL' : 'LLM', 'OK', '1', '2'],
    ]);
    tx.runMany('INSERT INTO trace_spans (trace_id, span_id, parent_span_id, name, span_type, status, start_ns, end_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', spans);
    tx.runMany(
      'INSERT INTO trace_span_attributes (trace_id, key, span_id, value) VALUES (?, ?, ?, ?)',
      rows.flatMap((row, i) => [
        [row[0], 'mlflow.spanType', `a${i}`, 'AGENT'],
        [row[0], 'mlflow.spanType', `l${i}`, 'LLM'],
        [row[0], 'gen_ai.request.model', `l${i}`, i === rareTraceIndex ? 'rare-model' : `model_${i % 20}`],
      ]),
    );
  });
}

/**
 * The span files of seedTraces's traces, as ingestion writes them (one JSON line a span): the
 * agent's span with its question as inputs, the model call's with its model as an attribute.
 * Synchronous writes: seeding, not a path under test.
 */
export function seedSpanFiles(dir: string, count = workloadTraceCount): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const traceId = workloadTraceId(i);
    const model = i === rareTraceIndex ? 'rare-model' : `model_${i % 20}`;
    const agent = { trace_id: traceId, span_id: `a${i}`, name: 'agent', start_time_unix_nano: '1', end_time_unix_nano: '2', attributes: [{ key: 'mlflow.spanInputs', value: { string_value: `{"question": "order ${i}"}` } }], status: { code: 'STATUS_CODE_OK' } };
    const llm = { trace_id: traceId, span_id: `l${i}`, parent_span_id: `a${i}`, name: 'llm_call', start_time_unix_nano: '1', end_time_unix_nano: '2', attributes: [{ key: 'gen_ai.request.model', value: { string_value: model } }], status: { code: 'STATUS_CODE_OK' } };
    writeFileSync(path.join(dir, `${traceId}.jsonl`), `${JSON.stringify(agent)}\n${JSON.stringify(llm)}\n`);
  }
}

/**
 * Span content shapes, over seedSpanFiles's files: a rare word (every trace examined, the content
 * signatures ruling out all but one), a word one trace in 20 has (a page filled from the newest),
 * and a pattern without a literal run of three characters, which signatures cannot help.
 */
export const spanContentShapes: readonly SearchShape[] = [
  { what: "span.content LIKE '%rare-model%'", request: { filter: "span.content LIKE '%rare-model%'" }, finds: 'the rare trace' },
  { what: "span.content ILIKE '%RARE-MODEL%'", request: { filter: "span.content ILIKE '%RARE-MODEL%'" }, finds: 'the rare trace' },
  { what: "span.content LIKE '%\"model_7\"%'", request: { filter: "span.content LIKE '%\"model_7\"%'" }, finds: 'a full page' },
  { what: "text ILIKE '%MODEL_7\"%'", request: { filter: "text ILIKE '%MODEL_7\"%'" }, finds: 'a full page' },
  { what: "span.content LIKE '%l_7\"%' (no literal run of 3: every candidate's file read)", request: { filter: "span.content LIKE '%l_7\"%'" }, finds: 'a full page' },
];

/** A filter shape and what it finds in the workload: the 100 newest traces, a full page of 100, or only the rare trace. */
export interface SearchShape {
  readonly what: string;
  readonly request: Omit<TraceSearchRequest, 'experimentIds'>;
  readonly finds: 'the newest page' | 'a full page' | 'the rare trace';
}

export const searchShapes: readonly SearchShape[] = [
  { what: 'newest first', request: {}, finds: 'the newest page' },
  { what: "tags.env = 'prod'", request: { filter: "tags.env = 'prod'" }, finds: 'a full page' },
  { what: "status = 'ERROR' AND execution_time_ms > 4000", request: { filter: "status = 'ERROR' AND execution_time_ms > 4000" }, finds: 'a full page' },
  { what: "trace.name = 'agent_7' by latency", request: { filter: "trace.name = 'agent_7'", orderBy: ['execution_time_ms DESC'] }, finds: 'a full page' },
  { what: "span.type = 'TOOL'", request: { filter: "span.type = 'TOOL'" }, finds: 'a full page' },
  // Every trace meets it: listing them all first was the slow plan.
  { what: "span.attributes.mlflow.spanType = 'LLM' (every trace)", request: { filter: "span.attributes.mlflow.spanType = 'LLM'" }, finds: 'the newest page' },
  { what: "span.attributes.gen_ai.request.model = 'model_7'", request: { filter: "span.attributes.gen_ai.request.model = 'model_7'" }, finds: 'a full page' },
  { what: "span.attributes.gen_ai.request.model LIKE 'model_1%'", request: { filter: "span.attributes.gen_ai.request.model LIKE 'model_1%'" }, finds: 'a full page' },
  {
    what: "span.attributes.gen_ai.request.model LIKE '%model_1%' by latency",
    request: { filter: "span.attributes.gen_ai.request.model LIKE '%model_1%'", orderBy: ['execution_time_ms DESC'] },
    finds: 'a full page',
  },
  { what: "span.attributes.gen_ai.request.model != 'model_3'", request: { filter: "span.attributes.gen_ai.request.model != 'model_3'" }, finds: 'a full page' },
  { what: "span.attributes.gen_ai.request.model ILIKE 'MODEL_1%'", request: { filter: "span.attributes.gen_ai.request.model ILIKE 'MODEL_1%'" }, finds: 'a full page' },
  { what: "span.attributes.gen_ai.request.model RLIKE '^model_1'", request: { filter: "span.attributes.gen_ai.request.model RLIKE '^model_1'" }, finds: 'a full page' },
  // One trace of 100,000 meets these: probing every trace for them was the slow plan.
  { what: "span.attributes.gen_ai.request.model = 'rare-model'", request: { filter: "span.attributes.gen_ai.request.model = 'rare-model'" }, finds: 'the rare trace' },
  { what: "span.attributes.gen_ai.request.model LIKE 'rare%'", request: { filter: "span.attributes.gen_ai.request.model LIKE 'rare%'" }, finds: 'the rare trace' },
  { what: "span.attributes.gen_ai.request.model ILIKE 'RARE%'", request: { filter: "span.attributes.gen_ai.request.model ILIKE 'RARE%'" }, finds: 'the rare trace' },
  // RLIKE reads every value of the key with RE2 when few traces meet it.
  { what: "span.attributes.gen_ai.request.model RLIKE '^rare'", request: { filter: "span.attributes.gen_ai.request.model RLIKE '^rare'" }, finds: 'the rare trace' },
  // Unanchored: no range of the index to seek, every value of the key is read; the literal every
  // match holds is looked for with instr first, RE2 runs only where it is.
  { what: "span.attributes.gen_ai.request.model RLIKE 'rare-mod'", request: { filter: "span.attributes.gen_ai.request.model RLIKE 'rare-mod'" }, finds: 'the rare trace' },
  { what: "span.attributes.gen_ai.request.model RLIKE 'el_1\\d'", request: { filter: "span.attributes.gen_ai.request.model RLIKE 'el_1\\d'" }, finds: 'a full page' },
];
