import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Run } from '../../../src/core/entities';
import type { EndedLaunch } from '../../../src/core/launches/launchService';
import { endMessage, formatDuration, latestMetrics, mainRun, terminalSummary } from '../../../src/core/launches/launchSummary';

function run(name: string, options: { parent?: string; metrics?: Record<string, number> } = {}): Run {
  return {
    info: {
      run_uuid: name,
      run_id: name,
      experiment_id: '0',
      run_name: name,
      user_id: '',
      status: 'FINISHED',
      start_time: 0,
      artifact_uri: `mlflow-artifacts:/0/${name}/artifacts`,
      lifecycle_stage: 'active',
    },
    data: {
      metrics: Object.entries(options.metrics ?? {}).map(([key, value]) => ({ key, value, timestamp: 0, step: 0 })),
      tags: options.parent ? [{ key: 'mlflow.parentRunId', value: options.parent }] : [],
    },
    inputs: {},
    outputs: {},
  };
}

function ended(overrides: Partial<EndedLaunch>): EndedLaunch {
  return { launchId: 'l', status: 'FINISHED', createdTime: 1_000, endedTime: 13_300, runs: [], madeRun: false, ...overrides };
}

describe('what the person is told when a launch ends', () => {
  test('durations read naturally at every scale', () => {
    assert.equal(formatDuration(850), '850 ms');
    assert.equal(formatDuration(12_345), '12.3 s');
    assert.equal(formatDuration(245_000), '4 min 05 s');
    assert.equal(formatDuration(7_380_000), '2 h 03 min');
  });

  test('the main run is the first top-level one; metrics are the latest values, a few, in key order', () => {
    const child = run('child', { parent: 'parent' });
    const parent = run('parent', { metrics: { rmse: 0.123456, loss: 2, acc: Number.NaN, zeta: 1 } });
    assert.equal(mainRun([child, parent]), parent);
    assert.equal(mainRun([child]), child);
    assert.equal(mainRun([]), undefined);
    assert.deepEqual(latestMetrics(parent), ['acc NaN', 'loss 2', 'rmse 0.1235']);
  });

  test('status, exit code, duration and metrics in one line', () => {
    const finished = endMessage('train.py', ended({ runs: [run('calm-owl', { metrics: { loss: 0.25 } })] }));
    assert.equal(finished, 'RunLens: train.py (run calm-owl) finished in 12.3 s · loss 0.25');
    const failed = endMessage('train.py', ended({ status: 'FAILED', exitCode: 3, runs: [run('r')] }));
    assert.equal(failed, 'RunLens: train.py (run r) failed (exit code 3) in 12.3 s');
    const stopped = endMessage('a b.py', ended({ status: 'KILLED', signal: 'SIGTERM', runs: [] }));
    assert.equal(stopped, 'RunLens: a b.py was stopped (SIGTERM) in 12.3 s');
    assert.equal(terminalSummary(ended({ status: 'FAILED', exitCode: 1, runs: [run('a'), run('b')] })), 'RunLens: FAILED (exit code 1) after 12.3 s; 2 runs recorded.');
  });
});
