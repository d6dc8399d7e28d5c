import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CompareRequest } from '../../../src/protocol/dashboards/compareRequests';
import { hostActionRequests, isHostActionMethod, isServiceMethod, serviceRequests } from '../../../src/protocol/dashboards/methods';
import { RunsChangedNotification } from '../../../src/protocol/dashboards/notifications';
import { GetRunRequest } from '../../../src/protocol/dashboards/runRequests';
import { experimentChartTabs, isDashboardState, knownTab, runDashboardTabs } from '../../../src/protocol/dashboards/state';
import {
  decodeMessage,
  encodeMessage,
  errorResponse,
  isErrorResponse,
  isNotificationMessage,
  isRequestMessage,
  isResponseMessage,
  ReadyNotification,
  successResponse,
} from '../../../src/protocol/messages';

describe('dashboard protocol', () => {
  test('request, response and notification envelopes, and the guards that tell them apart', () => {
    const request = GetRunRequest.request(7, { runId: 'abc' });
    assert.deepEqual(request, { kind: 'request', id: 7, method: 'run/get', params: { runId: 'abc' } });
    assert.ok(GetRunRequest.is(request));
    assert.ok(!CompareRequest.is(request));
    assert.ok(isRequestMessage(request) && !isResponseMessage(request) && !isNotificationMessage(request));

    const ok = successResponse(7, { fine: true });
    const failed = errorResponse(7, { message: 'Run not found', code: 'notFound' });
    assert.ok(isResponseMessage(ok) && isResponseMessage(failed));
    assert.ok(!isErrorResponse(ok) && isErrorResponse(failed));
    assert.ok(!isResponseMessage({ kind: 'response', id: 1, error: 'text' }), 'an error must carry a message');

    const ready = ReadyNotification.notification({});
    assert.ok(ReadyNotification.is(ready));
    assert.ok(!ReadyNotification.is({ type: 'ready' }), 'the old handshake shape is not the envelope');
    assert.ok(RunsChangedNotification.is(RunsChangedNotification.notification({ all: true })));
    for (const junk of [null, 'ready', 42, [], { kind: 'request', id: '1', method: 'run/get' }]) {
      assert.ok(!isRequestMessage(junk) && !isResponseMessage(junk) && !isNotificationMessage(junk));
    }
  });

  test('the text transport keeps NaN and infinities, which JSON alone turns into null', () => {
    const message = successResponse(1, { values: [NaN, Infinity, -Infinity, 0, -0.5], nested: { last: NaN }, name: 'NaN' });
    const decoded = decodeMessage(encodeMessage(message)) as typeof message;
    assert.ok(Number.isNaN(decoded.result.values[0]));
    assert.equal(decoded.result.values[1], Infinity);
    assert.equal(decoded.result.values[2], -Infinity);
    assert.equal(decoded.result.values[4], -0.5);
    assert.ok(Number.isNaN(decoded.result.nested.last));
    assert.equal(decoded.result.name, 'NaN', 'the string "NaN" stays a string');
    assert.throws(() => decodeMessage('{'), SyntaxError);
  });

  test('persisted dashboard state is checked before a panel is restored from it', () => {
    assert.ok(isDashboardState({ kind: 'run', runId: 'abc' }));
    assert.ok(isDashboardState({ kind: 'experiment', experimentId: '0', filter: 'metrics.rmse < 1' }));
    assert.ok(isDashboardState({ kind: 'compare', runIds: ['a', 'b'] }));
    // With several workspace folders a state names its folder; states saved before (or with one folder) name none.
    assert.ok(isDashboardState({ kind: 'experiment', experimentId: '1', folder: 'file:///work/beta' }));
    for (const folder of ['', 3, null, { uri: 'file:///work/beta' }]) {
      assert.ok(!isDashboardState({ kind: 'experiment', experimentId: '1', folder }), `folder ${JSON.stringify(folder)}`);
    }
    for (const bad of [null, {}, { kind: 'run' }, { kind: 'run', runId: '' }, { kind: 'compare', runIds: ['a'] }, { kind: 'compare', runIds: ['a', 3] }, { kind: 'plot' }]) {
      assert.ok(!isDashboardState(bad), JSON.stringify(bad));
    }
  });

  test('a saved tab is kept when the dashboard has it, and falls back to the first tab otherwise', () => {
    for (const tab of runDashboardTabs) assert.equal(knownTab(runDashboardTabs, tab), tab);
    for (const tab of experimentChartTabs) assert.equal(knownTab(experimentChartTabs, tab), tab);
    // A tab of the other dashboard, of another version, or no tab at all: the first tab.
    for (const bad of [undefined, null, '', 'history', 'Charts', 'charts ', 3, { id: 'charts' }]) {
      assert.equal(knownTab(runDashboardTabs, bad), 'summary', JSON.stringify(bad));
    }
    assert.equal(knownTab(experimentChartTabs, 'charts'), 'history');
    assert.equal(knownTab(experimentChartTabs, undefined), 'history');
    // The tab is optional: a state without one, or with an unknown one, still restores a panel.
    assert.ok(isDashboardState({ kind: 'run', runId: 'abc', tab: 'charts' }));
    assert.ok(isDashboardState({ kind: 'run', runId: 'abc', tab: 'plots' }));
  });

  test('service and host-action methods are disjoint and recognised', () => {
    const service = serviceRequests.map((request) => request.method);
    const host = hostActionRequests.map((request) => request.method);
    assert.equal(new Set([...service, ...host]).size, service.length + host.length);
    assert.ok(service.every(isServiceMethod) && !service.some(isHostActionMethod));
    assert.ok(host.every(isHostActionMethod) && !host.some(isServiceMethod));
  });
});
