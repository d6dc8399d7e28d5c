import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mlflowUiLinks } from '../../../src/dashboards/mlflowUiLinks';

// The links MLflow's client prints after a run, as a terminal link provider finds them.

describe('MLflow UI links in terminal output', () => {
  test("the run and experiment lines MLflow's client prints, on the workspace's port", () => {
    const run = '🏃 View run bright-owl-42 at: http://127.0.0.1:53117/#/experiments/1/runs/0123456789abcdef0123456789abcdef';
    const [link] = mlflowUiLinks(run, 53117);
    assert.deepEqual(link.page, { kind: 'run', experimentId: '1', runId: '0123456789abcdef0123456789abcdef' });
    assert.equal(run.slice(link.startIndex, link.startIndex + link.length), 'http://127.0.0.1:53117/#/experiments/1/runs/0123456789abcdef0123456789abcdef');

    const experiment = '🧪 View experiment at: http://localhost:53117/#/experiments/0';
    assert.deepEqual(
      mlflowUiLinks(experiment, 53117).map((l) => l.page),
      [{ kind: 'experiment', experimentId: '0' }],
    );
  });

  test("another port, another host or a longer path is not the workspace's page", () => {
    assert.deepEqual(mlflowUiLinks('http://127.0.0.1:5000/#/experiments/1/runs/abc', 53117), []);
    assert.deepEqual(mlflowUiLinks('https://mlflow.example.com:53117/#/experiments/1', 53117), []);
    assert.deepEqual(mlflowUiLinks('http://127.0.0.1:53117/#/experiments/1/runs/abc/artifacts', 53117), []);
    assert.deepEqual(mlflowUiLinks('http://127.0.0.1:531170/#/experiments/1', 53117), []);
  });

  test('several links in one line, each where it is', () => {
    const line = 'a http://127.0.0.1:8080/#/experiments/2 and "http://[::1]:8080/#/experiments/2/runs/ff"';
    const links = mlflowUiLinks(line, 8080);
    assert.deepEqual(
      links.map((l) => [line.slice(l.startIndex, l.startIndex + l.length), l.page.kind]),
      [
        ['http://127.0.0.1:8080/#/experiments/2', 'experiment'],
        ['http://[::1]:8080/#/experiments/2/runs/ff', 'run'],
      ],
    );
  });
});
