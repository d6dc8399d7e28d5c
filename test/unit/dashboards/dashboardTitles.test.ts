// Issue 11, item 3: tabs and compare labels never read "lr=0.05 vs lr=0.05".
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { panelTitle, panelTitles, runLabels } from '../../../src/protocol/dashboardTitles';

const runA = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const runB = 'ffee0011223344556677889900aabbcc';

describe('dashboard titles', () => {
  test('a tab names its dashboard: run and experiment by name, else by (short) id; a remote one by its id, not the URL', () => {
    assert.equal(panelTitle({ kind: 'run', runId: runA }, 'lr=0.05'), 'Run: lr=0.05');
    assert.equal(panelTitle({ kind: 'run', runId: runA }), 'Run: a1b2c3d4');
    assert.equal(panelTitle({ kind: 'run', runId: `https://mlflow.example.com#${runB}` }), 'Run: ffee0011');
    assert.equal(panelTitle({ kind: 'experiment', experimentId: '3' }), 'Experiment: 3');
    assert.equal(panelTitle({ kind: 'compare', runIds: [runA, runB] }), 'Compare 2 runs');
    assert.equal(panelTitle({ kind: 'run', runId: runA }, 'x'.repeat(80)), `Run: ${'x'.repeat(57)}…`);
  });

  test('tabs that would read alike each get the short id of what they show; the others stay as they are', () => {
    const titles = panelTitles([
      { state: { kind: 'run', runId: runA }, name: 'lr=0.05' },
      { state: { kind: 'run', runId: runB }, name: 'lr=0.05' },
      { state: { kind: 'run', runId: runB }, name: 'lr=0.1' },
      { state: { kind: 'experiment', experimentId: '1' }, name: 'line-fit' },
      { state: { kind: 'experiment', experimentId: `http://team:5000#1` }, name: 'line-fit' },
      { state: { kind: 'compare', runIds: [runA, runB] } },
      { state: { kind: 'compare', runIds: [runB, runA] } },
    ]);
    assert.deepEqual(titles, [
      'Run: lr=0.05 · a1b2c3d4',
      'Run: lr=0.05 · ffee0011',
      'Run: lr=0.1',
      'Experiment: line-fit · 1',
      'Experiment: line-fit · team:5000 1',
      'Compare 2 runs · a1b2c3d4+ffee0011',
      'Compare 2 runs · ffee0011+a1b2c3d4',
    ]);
    assert.deepEqual(panelTitles([{ state: { kind: 'run', runId: runA }, name: 'lr=0.05' }]), ['Run: lr=0.05'], 'one tab keeps its plain title');
  });

  test('runs side by side: a name that repeats (or is missing) gets the short id', () => {
    assert.deepEqual(
      runLabels([
        { name: 'lr=0.05', runId: runA },
        { name: 'lr=0.05', runId: runB },
        { name: 'baseline', runId: runB },
        { name: '', runId: runA },
      ]),
      ['lr=0.05 (a1b2c3d4)', 'lr=0.05 (ffee0011)', 'baseline', 'a1b2c3d4'],
    );
  });
});
