// Issue 16: RLIKE in the trace filter, where MLflow 3.6's SearchTraceUtils takes it (tags,
// request metadata, string attributes, span name/type/status/attributes, assessments): a regular
// expression some part of the value matches, case-sensitively. Patterns run on RE2: one that does
// not compile, or uses what RE2 refuses (lookaround, backreferences), is a 400 pointing at it over
// real HTTP; one that backtracks catastrophically in JavaScript's RegExp answers at once; runs'
// filters, which MLflow gives no RLIKE, refuse it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { maxRegexSubjectChars, sqlRegexp } from '../../../src/core/search/regexPattern';
import { WorkspaceStore } from '../../../src/core/store/workspaceStore';
import type { SpanJson } from '../../../src/core/traces/spanJson';
import { startServer } from '../../../src/server/server';
import { HttpClient } from '../server/support/httpClient';
import { newTraceId, span, traceInfo } from './traceFixtures';

/** A span carrying `gen_ai.request.model`. */
function modelSpan(traceId: string, name: string, model: string): SpanJson {
  const base = span({ traceId, name, startMs: 1000, durationMs: 5, type: 'LLM' });
  return { ...base, attributes: [...(base.attributes ?? []), { key: 'gen_ai.request.model', value: { string_value: model } }] };
}

describe('RLIKE in traces/search', () => {
  test('tags, metadata, status, name, span fields and feedback match a regular expression anywhere in the value, case-sensitively', async (t) => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'runlens-rlike-'));
    const store = await WorkspaceStore.open(path.join(root, '.runlens'), { idleCheckpointMs: 0 });
    t.after(() => {
      store.close();
      rmSync(root, { recursive: true, force: true });
    });
    const experimentId = store.tracking.createExperiment({ name: 'rlike' });
    const traces = store.traces;
    const rows = [
      { env: 'prod-eu', user: 'alice', state: 'OK' as const, name: 'answer_question', model: 'gpt-4o-mini' },
      { env: 'staging', user: 'bob', state: 'ERROR' as const, name: 'plan_trip', model: 'gpt-4' },
      { env: 'PROD', user: 'carol', state: 'OK' as const, name: 'answer_mail', model: 'claude-3' },
    ];
    const ids: string[] = [];
    for (const [i, row] of rows.entries()) {
      const traceId = newTraceId();
      ids.push(traceId);
      await traces.logSpans(experimentId, [modelSpan(traceId, row.name, row.model)]);
      traces.startTrace(traceInfo(traceId, experimentId, 1000 + i, 10, { state: row.state, tags: { env: row.env, 'mlflow.traceName': row.name }, metadata: { 'mlflow.user': row.user } }));
    }
    traces.createAssessment(ids[2], { assessment_name: 'tone', trace_id: ids[2], source: { source_type: 'HUMAN', source_id: 'x' }, feedback: { value: 'polite and brief' } });
    const found = async (filter: string) =>
      (await traces.search({ experimentIds: [experimentId], filter })).items
        .map((trace) => ids.indexOf(trace.trace_id))
        .sort();
    const cases: [string, number[]][] = [
      ["tags.env RLIKE '^prod'", [0]],
      ["tags.env RLIKE '(?i)^prod'", [0, 2]],
      ["tags.env RLIKE 'ag'", [1]],
      ["request_metadata.`mlflow.user` RLIKE '^(alice|carol)$'", [0, 2]],
      ["status RLIKE 'ERR'", [1]],
      ["name RLIKE '^answer_'", [0, 2]],
      ["span.name RLIKE 'trip$'", [1]],
      ["span.type RLIKE '^LL'", [0, 1, 2]],
      ["span.attributes.gen_ai.request.model RLIKE '^gpt-4$'", [1]],
      ["span.attributes.gen_ai.request.model RLIKE 'gpt-4'", [0, 1]],
      ["span.attributes.gen_ai.request.model RLIKE '\\d'", [0, 1, 2]],
      ["feedback.tone RLIKE 'pol.te'", [2]],
      ["tags.env RLIKE 'prod' AND span.attributes.gen_ai.request.model RLIKE 'mini$'", [0]],
    ];
    for (const [filter, expected] of cases) assert.deepEqual(await found(filter), expected, filter);
  });

  test('a pattern that does not compile, or needs backtracking, is 400 INVALID_PARAMETER_VALUE naming the fault; runs refuse RLIKE', async (t) => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'runlens-rlike-http-'));
    const store = await WorkspaceStore.open(path.join(root, '.runlens'), { idleCheckpointMs: 0 });
    const token = randomBytes(16).toString('hex');
    const server = await startServer({ store: store.tracking, registry: store.registry, artifacts: store.artifacts, traces: store.traces, token });
    const client = new HttpClient(server.url, token);
    t.after(async () => {
      client.close();
      await server.close();
      store.close();
      rmSync(root, { recursive: true, force: true });
    });
    const searchTraces = (filter: string) =>
      client.post('/api/3.0/mlflow/traces/search', { locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '0' } }], filter });
    const cases: [string, RegExp][] = [
      ["tags.env RLIKE '(prod'", /column 16: the RLIKE pattern is not a regular expression RunLens can run .*missing closing \)/],
      ["span.name RLIKE '(?<=a)b'", /RE2 syntax: no lookaround, no backreferences/],
      ["tags.env RLIKE '(a)\\1'", /invalid escape sequence/],
      [`tags.env RLIKE '${'a'.repeat(1001)}'`, /at most 1000 are allowed/],
      ["tags.env RLIKE '((a{100}){100}){100}'", /too large to run|invalid repeat count/],
      ['execution_time_ms RLIKE 5', /Invalid comparator 'RLIKE' not one of '\{'>', '>=', '!=', '=', '<', '<='\}'/],
      ["text RLIKE 'refund'", /span\.content comparator 'RLIKE' not one of '\{'LIKE', 'ILIKE'\}'/],
    ];
    for (const [filter, message] of cases) {
      const reply = await searchTraces(filter);
      assert.equal(reply.status, 400, filter);
      const error = reply.json<{ error_code: string; message: string }>();
      assert.equal(error.error_code, 'INVALID_PARAMETER_VALUE', filter);
      assert.match(error.message, message, filter);
    }
    const runs = await client.post('/api/2.0/mlflow/runs/search', { experiment_ids: ['0'], filter: "tags.env RLIKE 'x'" });
    assert.equal(runs.status, 400);
    assert.match(runs.json<{ message: string }>().message, /the operator RLIKE does not apply to tag 'env'/);
  });

  test('a pattern that backtracks catastrophically in RegExp answers at once; a value is matched on its first 8,000 characters', () => {
    // JavaScript's RegExp would try 2^8000 ways to split the a's before failing on the final b.
    const started = performance.now();
    assert.equal(sqlRegexp('(a+)+$', `${'a'.repeat(maxRegexSubjectChars - 1)}b`), 0);
    assert.equal(sqlRegexp('^(a|aa)*c', 'a'.repeat(maxRegexSubjectChars)), 0);
    assert.ok(performance.now() - started < 10_000, `took ${Math.round(performance.now() - started)} ms`);
    assert.equal(sqlRegexp('a+$', 'a'.repeat(5000)), 1);
    assert.equal(sqlRegexp('END', `${'x'.repeat(maxRegexSubjectChars)}END`), 0, 'past the bound');
    assert.equal(sqlRegexp('END', `${'x'.repeat(maxRegexSubjectChars - 3)}END`), 1, 'within it');
    assert.equal(sqlRegexp('x', null), 0);
    assert.equal(sqlRegexp('(', 'x'), 0, 'a pattern that does not compile matches nothing inside SQLite');
  });
});
