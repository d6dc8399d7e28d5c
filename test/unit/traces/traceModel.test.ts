// Issue 16: what the trace viewer and the trace compare are built from (core, no webview):
// spans in tree order with times from the trace's start, chat inputs kept whole, token totals,
// assessments, the span tree diff, and finding a traced function's definition.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildFullTraceModel, buildSpanDetail, buildTraceModel } from '../../../src/dashboards/traceModel';
import { diffTraces } from '../../../src/dashboards/traceDiff';
import { findFunctionDefinitions, median } from '../../../src/core/traces/functionLocator';
import type { TraceInfo } from '../../../src/core/traces/traceInfo';
import { newTraceId, span } from './traceFixtures';

function info(traceId: string): TraceInfo {
  return {
    trace_id: traceId,
    trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '1' } },
    request_time: '2026-12-06T08:48:03.408Z',
    execution_duration: '0.100s',
    state: 'OK',
    trace_metadata: { 'mlflow.traceInputs': '{"q": "hi"}' },
    tags: { 'mlflow.traceName': 'agent' },
    assessments: [
      {
        assessment_id: 'a-1',
        assessment_name: 'helpfulness',
        trace_id: traceId,
        source: { source_type: 'HUMAN', source_id: 'alice' },
        feedback: { value: true },
        valid: false,
        create_time: '2026-12-06T08:48:12.493Z',
      },
    ],
  };
}

function traceSpans(names: readonly string[], failing?: string) {
  const traceId = newTraceId();
  const root = span({ traceId, name: 'agent', startMs: 1000, durationMs: 100, type: 'AGENT', functionName: 'run_agent' });
  const spans = [root, ...names.map((name, i) => span({ traceId, name, parent: root, startMs: 1010 + i * 10, durationMs: 5, type: 'LLM', error: name === failing ? 'boom' : undefined, tokens: { input: 7, output: 3 } }))];
  // Stored order is arrival order (children end first); the model must not depend on it.
  return { traceId, spans: [...spans].reverse() };
}

function trace(names: readonly string[], failing?: string) {
  const { traceId, spans } = traceSpans(names, failing);
  return buildTraceModel(info(traceId), spans);
}

function wholeTrace(names: readonly string[], failing?: string) {
  const { traceId, spans } = traceSpans(names, failing);
  return buildFullTraceModel(info(traceId), spans);
}

describe('trace viewer model', () => {
  test('spans in tree order with offsets from the trace start, tokens summed, assessments kept', () => {
    const model = trace(['plan', 'answer'], 'answer');
    assert.deepEqual(
      model.spans.map((s) => [s.name, s.depth, s.startMs, s.durationMs]),
      [
        ['agent', 0, 0, 100],
        ['plan', 1, 10, 5],
        ['answer', 1, 20, 5],
      ],
    );
    assert.equal(model.spans[0].functionName, 'run_agent');
    assert.equal(model.spans[2].status, 'ERROR');
    assert.equal(model.spans[2].statusMessage, 'boom');
    assert.equal(model.inputTokens, 14);
    assert.equal(model.outputTokens, 6);
    assert.deepEqual(model.request, { q: 'hi' });
    assert.equal(model.name, 'agent');
    assert.equal(model.executionMs, 100);
    assert.deepEqual(
      model.assessments.map((a) => [a.name, a.value, a.valid, a.source]),
      [['helpfulness', true, false, 'HUMAN: alice']],
    );
  });

  test("the open carries each span's outline only; a span's inputs, attributes and events come when it is asked for", () => {
    const traceId = newTraceId();
    const root = span({ traceId, name: 'agent', startMs: 1000, durationMs: 100, type: 'AGENT', inputs: { string_value: '{"question": "why?"}' }, tokens: { input: 7, output: 3 } });
    const failing = span({ traceId, name: 'tool', parent: root, startMs: 1010, durationMs: 5, type: 'TOOL', error: 'boom' });
    const model = buildTraceModel(info(traceId), [failing, root]);
    for (const outline of model.spans) {
      for (const payload of ['inputs', 'outputs', 'attributes', 'events']) assert.ok(!(payload in outline), `${outline.name} carries no ${payload}`);
    }
    assert.deepEqual([model.spans[0].spanType, model.spans[0].inputTokens, model.spans[1].status], ['AGENT', 7, 'ERROR']);

    const rootDetail = buildSpanDetail([failing, root], model.spans[0].spanId);
    assert.deepEqual(rootDetail.inputs, { question: 'why?' });
    assert.deepEqual(
      rootDetail.attributes.map((a) => a.key),
      ['mlflow.chat.tokenUsage'],
      'the type, function name and trace id are the outline\'s; inputs and outputs apart',
    );
    const toolDetail = buildSpanDetail([failing, root], model.spans[1].spanId);
    assert.deepEqual(
      toolDetail.events.map((e) => e.name),
      ['exception'],
    );
    // Whole, the same spans: what the compare diffs.
    const whole = buildFullTraceModel(info(traceId), [failing, root]);
    assert.deepEqual(whole.spans[1], { ...model.spans[1], ...toolDetail });
    assert.throws(() => buildSpanDetail([failing, root], '00000000000000ff'), /has no span '00000000000000ff'/);
  });

  test('trace compare: spans matched by place in the tree; added, removed and changed', () => {
    const diff = diffTraces(wholeTrace(['plan', 'answer']), wholeTrace(['plan', 'search', 'answer'], 'answer'));
    assert.deepEqual(
      diff.rows.map((row) => [row.name, row.change, row.changed.join(',')]),
      [
        ['agent', 'same', ''],
        ['plan', 'same', ''],
        ['answer', 'changed', 'status'],
        ['search', 'added', ''],
      ],
    );
  });

  test('go to code finds a traced function, async ones too, and only whole names', () => {
    const text = ['import mlflow', '', '@mlflow.trace', 'def run_agent(q):', '    pass', '', 'async def  fetch_docs (x):', 'def run_agent_v2():'].join('\n');
    assert.deepEqual(findFunctionDefinitions(text, new Set(['run_agent', 'fetch_docs'])), [
      { name: 'run_agent', line: 3 },
      { name: 'fetch_docs', line: 6 },
    ]);
    assert.equal(median([30, 10, 20]), 20);
    assert.equal(median([]), undefined);
  });
});
