import * as assert from 'node:assert/strict';
import type { Run } from '../../src/core/entities';
import { duration, formatMetricValue, relativeTime } from '../../src/vscode/runs/runFormat';
import { parentsWithin } from '../../src/core/search/runsQuery';
import { keyedField, sortChoices } from '../../src/vscode/runs/runSortChoices';
import { runIdsOf } from '../../src/vscode/runs/runTargets';
import { parentRunIdOf } from '../../src/core/runs/runTagValues';
import { runTooltipMarkdown } from '../../src/vscode/runs/runTooltip';

// The Runs view's pure parts: how values read, how runs nest, what the sort offers, which runs a
// command acts on. They need no store, but run here beside the view they serve.

function run(id: string, fields: { parent?: string; metrics?: string[]; params?: string[]; name?: string } = {}): Run {
  return {
    info: {
      run_uuid: id,
      run_id: id,
      experiment_id: '1',
      run_name: fields.name ?? id,
      user_id: '',
      status: 'FINISHED',
      start_time: 0,
      end_time: 90_000,
      artifact_uri: `mlflow-artifacts:/1/${id}/artifacts`,
      lifecycle_stage: 'active',
    },
    data: {
      metrics: (fields.metrics ?? []).map((key) => ({ key, value: 1, timestamp: 0, step: 0 })),
      params: (fields.params ?? []).map((key) => ({ key, value: 'v' })),
      tags: fields.parent ? [{ key: 'mlflow.parentRunId', value: fields.parent }] : [],
    },
    inputs: {},
    outputs: {},
  };
}

suite('Runs view: formatting and arrangement', () => {
  test('times read as a person says them', () => {
    const now = Date.UTC(2025, 5, 30, 12);
    assert.equal(relativeTime(now - 10_000, now), 'just now');
    assert.equal(relativeTime(now - 3 * 60_000 - 5_000, now), '3 min ago');
    assert.equal(relativeTime(now - 5 * 3_600_000, now), '5 h ago');
    assert.equal(relativeTime(now - 24 * 3_600_000, now), '1 day ago');
    assert.equal(relativeTime(now - 3 * 24 * 3_600_000, now), '3 days ago');
    assert.equal(relativeTime(Date.UTC(2025, 0, 2), now), '2025-01-02');
    assert.equal(relativeTime(now + 60_000, now), 'in the future');
    assert.equal(duration(45_000), '45 s');
    assert.equal(duration(200_000), '3 min 20 s');
    assert.equal(duration(2 * 3_600_000 + 5 * 60_000), '2 h 5 min');
    assert.equal(duration(3 * 86_400_000 + 4 * 3_600_000), '3 days 4 h');
  });

  test('metric values keep four significant digits, and NaN and infinities read by name', () => {
    assert.equal(formatMetricValue(0.123456), '0.1235');
    assert.equal(formatMetricValue(12345.678), '12350');
    assert.equal(formatMetricValue(42), '42');
    assert.equal(formatMetricValue(0.00001234), '1.234e-5');
    assert.equal(formatMetricValue(-2.5), '-2.5');
    assert.equal(formatMetricValue(NaN), 'NaN');
    assert.equal(formatMetricValue(Infinity), '∞');
    assert.equal(formatMetricValue(-Infinity), '-∞');
  });

  test('runs nest under a parent that is among them; orphans and cycles stay at the top', () => {
    const runs = [
      run('child', { parent: 'parent' }),
      run('grandchild', { parent: 'child' }),
      run('orphan', { parent: 'not-loaded' }),
      run('parent'),
      run('loop-a', { parent: 'loop-b' }),
      run('loop-b', { parent: 'loop-a' }),
      run('self', { parent: 'self' }),
    ];
    assert.deepEqual(Object.fromEntries(parentsWithin(runs, parentRunIdOf, (r) => r.info.run_id)), {
      child: 'parent',
      grandchild: 'child',
      orphan: undefined,
      parent: undefined,
      'loop-a': undefined,
      'loop-b': undefined,
      self: undefined,
    });
  });

  test('sorting offers the attributes, then every metric and param seen, with keys quoted', () => {
    const choices = sortChoices([run('a', { metrics: ['loss', 'val acc'], params: ['lr'] }), run('b', { metrics: ['loss'] })]);
    assert.deepEqual(
      choices.map((c) => c.field),
      ['attributes.start_time', 'attributes.end_time', 'attributes.run_name', 'metrics.`loss`', 'metrics.`val acc`', 'params.`lr`'],
    );
    assert.equal(keyedField('metrics', 'odd`key'), 'metrics.`odd``key`');
  });

  test('a command acts on the selection when the clicked run is in it, else on the clicked run or the ids given', () => {
    const node = (runId: string) => ({ kind: 'run', runId });
    assert.deepEqual(runIdsOf(node('a'), [node('a'), node('b')]), ['a', 'b']);
    assert.deepEqual(runIdsOf(node('c'), [node('a'), node('b')]), ['c']);
    assert.deepEqual(runIdsOf(node('a'), [node('a')]), ['a']);
    assert.deepEqual(runIdsOf('x'), ['x']);
    assert.deepEqual(runIdsOf(['x', 'y']), ['x', 'y']);
    assert.deepEqual(runIdsOf({ kind: 'field', parent: { run: { runId: 'z' } } }), ['z']);
    assert.deepEqual(runIdsOf(undefined), []);
    assert.deepEqual(runIdsOf({ kind: 'experiment', experimentId: '1' }), []);
  });

  test('a hover lists the leading params and metrics and says how many more there are', () => {
    const many = run('many', { params: ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8'], metrics: ['m1'] });
    const hover = runTooltipMarkdown(many, 120_000);
    assert.match(hover, /Params: p1 = v, p2 = v, p3 = v, p4 = v, p5 = v, p6 = v, and 2 more/);
    assert.match(hover, /took 1 min 30 s/);
    assert.match(hover, /Run ID many$/);
  });
});
