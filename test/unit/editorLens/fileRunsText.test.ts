import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FileRuns } from '../../../src/core/editorLens/fileRuns';
import type { Run, RunStatus } from '../../../src/core/entities';
import { keyHoverMarkdown, runsLogged, summaryText } from '../../../src/vscode/editorLens/fileRunsText';
import type { LoggedKey } from '../../../src/core/editorLens/loggedKeys';

const now = Date.UTC(2026, 0, 1, 12);

function run(id: string, fields: { status?: RunStatus; ended?: number; metrics?: Record<string, number>; params?: Record<string, string>; name?: string }): Run {
  return {
    info: {
      run_uuid: id,
      run_id: id,
      experiment_id: '1',
      run_name: fields.name ?? `run-${id}`,
      user_id: '',
      status: fields.status ?? 'FINISHED',
      start_time: (fields.ended ?? now) - 60_000,
      ...(fields.ended !== undefined ? { end_time: fields.ended } : {}),
      artifact_uri: '',
      lifecycle_stage: 'active',
    },
    data: {
      metrics: Object.entries(fields.metrics ?? {}).map(([key, value]) => ({ key, value, timestamp: 0, step: 0 })),
      params: Object.entries(fields.params ?? {}).map(([key, value]) => ({ key, value })),
    },
    inputs: {},
    outputs: {},
  };
}

const key = (name: string, kind: LoggedKey['kind']): LoggedKey => ({ key: name, kind, line: 0, start: 0, end: name.length + 2 });

describe("the editor's words about a file's runs", () => {
  const a = run('a', { ended: now - 2 * 60_000, metrics: { mse: 0.2 }, params: { lr: '0.1', epochs: '10' } });
  const b = run('b', { ended: now - 3 * 3_600_000, metrics: { mse: 0.0104 }, params: { lr: '0.01', epochs: '10' } });
  const runs: FileRuns = { total: 12, experimentId: '1', recent: [a, b], primary: { key: 'mse', direction: 'lower' }, best: b, filter: '' };

  test("the summary: count, the newest run's status and end, the best value and the params that set it apart", () => {
    assert.equal(summaryText(runs, now), '12 runs · last FINISHED 2 min ago · best mse 0.0104 (lr=0.01)');
    assert.equal(summaryText({ ...runs, total: 1, recent: [a], best: undefined }, now), '1 run · last FINISHED 2 min ago');
    const running = run('r', { status: 'RUNNING' });
    assert.equal(summaryText({ ...runs, recent: [running, b], primary: undefined, best: undefined }, now), '12 runs · last RUNNING 1 min ago');
  });

  test('run data cannot make icons or new lines in the lens', () => {
    const odd = run('o', { ended: now, metrics: { mse: 1 }, params: { 'p$(zap)': 'x\ny' } });
    const text = summaryText({ ...runs, recent: [odd, a], best: odd }, now);
    assert.ok(!text.includes('$('), text);
    assert.ok(!text.includes('\n'), text);
  });

  test("a param's hover: its value in each run with the primary metric, the best starred, links to the run and to compare", () => {
    const markdown = keyHoverMarkdown({ key: key('lr', 'param'), runs, now });
    const rows = markdown.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('|  | run') && !line.startsWith('| ---'));
    assert.equal(rows.length, 2);
    assert.match(rows[0], /^\|  \| \[run\\-a\]\(command:runlens\.openRunDashboard\?%5B%22a%22%5D\) +\| 3 min ago \| 0\\\.1 \| 0\\\.2 \|$/);
    assert.match(rows[1], /^\| ★ \| \[run\\-b\]/);
    assert.match(markdown, /\[Compare these runs\]\(command:runlens\.compareRuns\?%5B%5B%22a%22%2C%22b%22%5D%5D\)/);
    assert.ok(runsLogged(runs, key('lr', 'param')));
    assert.ok(!runsLogged(runs, key('seed', 'argument')), 'an option the runs did not log as a param gets no hover');
  });

  test("a metric's hover shows its sparkline; the best outside the rows is named below them", () => {
    const older = run('c', { ended: now - 86_400_000, metrics: { mse: 0.001 } });
    const markdown = keyHoverMarkdown({ key: key('mse', 'metric'), runs: { ...runs, best: older }, sparkline: 'data:image/svg+xml;base64,AAAA', now });
    assert.match(markdown, /!\[mse by step in the newest run\]\(data:image\/svg\+xml;base64,AAAA\)/);
    assert.match(markdown, /★ Best of all: \[run\\-c\]\(command:runlens\.openRunDashboard\?%5B%22c%22%5D\), mse 0\\?\.?001/);
  });

  test('names and values from runs are escaped: no link, HTML or command of their own', () => {
    const evil = run('e', { ended: now, name: '[x](command:workbench.action.quit) <img src=x onerror=1>', params: { lr: '|<b>|' } });
    const markdown = keyHoverMarkdown({ key: key('lr', 'param'), runs: { ...runs, recent: [evil], best: undefined }, now });
    assert.ok(!markdown.includes('](command:workbench'), markdown);
    assert.ok(!/(^|[^\\])<(img|b)/.test(markdown), 'every < is escaped');
    assert.ok(markdown.includes('\\|\\<b\\>\\|'), 'a pipe in a value cannot end a table cell');
  });
});
