// Issue 13, point 12: a CSV export opened in a spreadsheet must not run what a run's data holds.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseCsv } from '../../../src/dashboards/csv';
import { openDashboardFixture, seedRun, type DashboardFixture } from '../dashboards/support/dashboardFixture';

describe('CSV export and spreadsheet formulas', () => {
  let fixture: DashboardFixture;
  let experimentId: string;

  before(async () => {
    fixture = await openDashboardFixture();
    experimentId = fixture.tracking.createExperiment({ name: 'formulas' });
    seedRun(fixture.tracking, {
      experimentId,
      name: '=HYPERLINK("http://evil.example","open")',
      params: { at: '@SUM(A1:A9)', plus: '+1+cmd', minus: '-2+3', tab: '\t=1+1', cr: '\r=1+1', negative: '-0.01', exponent: '+1e-3', plain: 'ok=1' },
      metrics: { loss: [-1.5] },
    });
  });
  after(() => fixture.close());

  test('text cells that start with = + - @ tab or CR get a leading apostrophe; numbers stay numbers', async () => {
    const { csv } = await fixture.service.handle('experiment/exportCsv', { experimentId });
    const [header, row] = parseCsv(csv, 2).records;
    const cell = (name: string) => row[header.indexOf(name)];
    assert.equal(cell('run_name'), `'=HYPERLINK("http://evil.example","open")`);
    assert.equal(cell('params.at'), "'@SUM(A1:A9)");
    assert.equal(cell('params.plus'), "'+1+cmd");
    assert.equal(cell('params.minus'), "'-2+3");
    assert.equal(cell('params.tab'), "'\t=1+1");
    assert.equal(cell('params.cr'), "'\r=1+1");
    assert.equal(cell('params.negative'), '-0.01', 'a param that is just a number stays one');
    assert.equal(cell('params.exponent'), '+1e-3');
    assert.equal(cell('params.plain'), 'ok=1');
    assert.equal(cell('metrics.loss'), '-1.5', 'a negative metric is a number, not text');
    for (const line of csv.split('\r\n')) assert.ok(!/(^|,)[=@]/.test(line), `no cell starts a formula: ${line}`);
  });
});
