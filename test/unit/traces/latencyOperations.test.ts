// Issue 14: the latency lens's reads as store operations, so that a guest window reads them from the
// process that owns the store: over real HTTP on loopback they answer what they answer in process
// (the traced functions, a function's latest span latencies, newest trace first), and bad arguments
// are refused with MLflow's INVALID_PARAMETER_VALUE and a message naming the argument.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runStoreOperation } from '../../../src/core/store/storeOperations';
import { ownerAccess } from '../../../src/vscode/ownerClient';
import { startTestServer, type TestServer } from '../server/support/testServer';
import { newTraceId, span, traceInfo } from './traceFixtures';

describe('latency lens store operations', () => {
  let t: TestServer;

  before(async () => {
    t = await startTestServer();
    const experimentId = t.store.createExperiment({ name: 'traced' });
    // Three traces, older to newer: `answer` took 30, 10 then 20 ms; `plan` ran once; an unnamed span has no function.
    for (const [i, answerMs] of [30, 10, 20].entries()) {
      const traceId = newTraceId();
      const startMs = 1_000 + i * 1_000;
      const root = span({ traceId, name: 'agent', startMs, durationMs: 100 });
      const spans = [root, span({ traceId, name: 'answer', parent: root, startMs: startMs + 1, durationMs: answerMs, functionName: 'answer' })];
      if (i === 0) spans.push(span({ traceId, name: 'plan', parent: root, startMs: startMs + 50, durationMs: 4, functionName: 'plan' }));
      t.traces.startTrace(traceInfo(traceId, experimentId, startMs, 100));
      await t.traces.logSpans(experimentId, spans);
    }
  });

  after(async () => {
    assert.deepEqual(t.logged, [], 'no request of this suite may be a server bug (500)');
    await t.close();
  });

  const parts = () => ({ tracking: t.store, traces: t.traces, artifacts: t.artifacts, registry: t.registry });
  const access = () => ownerAccess({ url: t.server.url, token: t.token }, t.artifactRoot);

  test('a guest reads the traced functions and their latencies as the owner does in process', async () => {
    const names = await access().call('tracedFunctionNames', {});
    assert.deepEqual([...names.names].sort(), ['answer', 'plan'], 'only spans that name their function');
    assert.deepEqual(names, await runStoreOperation(parts(), 'tracedFunctionNames', {}));

    const latest = await access().call('functionLatencies', { functionName: 'answer', limit: 50 });
    assert.deepEqual(latest.latencies, [20, 10, 30], 'newest trace first');
    assert.deepEqual(latest, await runStoreOperation(parts(), 'functionLatencies', { functionName: 'answer', limit: 50 }));
    assert.deepEqual((await access().call('functionLatencies', { functionName: 'answer', limit: 2 })).latencies, [20, 10], 'the latest `limit` spans');
    assert.deepEqual((await access().call('functionLatencies', { functionName: 'never_traced', limit: 50 })).latencies, []);
  });

  test('bad arguments are refused with a message naming them', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['functionLatencies', { limit: 50 }, /Missing value for required parameter 'functionName'/],
      ['functionLatencies', { functionName: '', limit: 50 }, /Missing value for required parameter 'functionName'/],
      ['functionLatencies', { functionName: 7, limit: 50 }, /Invalid value 7 for parameter 'functionName'/],
      ['functionLatencies', { functionName: 'answer' }, /parameter 'limit' supplied: expected a whole number from 1 to 1000/],
      ['functionLatencies', { functionName: 'answer', limit: 0 }, /parameter 'limit'.*from 1 to 1000/],
      ['functionLatencies', { functionName: 'answer', limit: 1001 }, /parameter 'limit'.*from 1 to 1000/],
      ['functionLatencies', { functionName: 'answer', limit: '50' }, /parameter 'limit'.*from 1 to 1000/],
    ];
    for (const [operation, body, message] of cases) {
      const reply = await t.client.post(`/api/2.0/runlens/store/${operation}`, body);
      assert.equal(reply.status, 400, `${operation} ${JSON.stringify(body)}: ${reply.text}`);
      assert.equal(reply.json().error_code, 'INVALID_PARAMETER_VALUE', operation);
      assert.match(String(reply.json().message), message, JSON.stringify(body));
    }
  });
});
