// The trace viewer in a browser, end to end: `runlens serve` (the built CLI) gets the spans and trace infos the real
// MLflow 3.6 client sent in the captured session (OTLP protobuf bodies and StartTraceV3, from
// test/fixtures/mlflow-contract/traces.jsonl), and Chromium opens /trace/<id>: the span waterfall, a chat span's
// messages as a conversation, an exception, and feedback added from the page, read back over the MLflow API;
// and a 10,000-span trace, timed from the page's open to its span tree drawn (DESIGN.md budget: 1 s).
// Screenshot: test-results/trace-viewer.png.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { launchChromium } from '../../scripts/codeServerLaunch.mjs';
import { repoRoot } from '../../scripts/codeServerPaths.mjs';
import { startRunlensServe } from './dashboardsServer.mjs';

const resultsDir = path.join(repoRoot, 'test-results');
const stepTimeout = { timeout: 120_000 };
const records = readFileSync(path.join(repoRoot, 'test/fixtures/mlflow-contract/traces.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line));

/** seq 5-9: outer → middle → leaf(-1) raising, leaf(3); seq 18-20: manual_root with the llm_call chat span. */
const replayed = new Set([5, 6, 7, 8, 9, 18, 19, 20]);

describe('the trace viewer in a browser, served by runlens serve', () => {
  let server;
  let browser;
  let page;
  let profile;

  before(async () => {
    server = await startRunlensServe();
    const experimentId = await server.api.createExperiment('genai e2e');
    for (const record of records.filter((r) => replayed.has(r.seq))) {
      const isOtlp = record.path === '/v1/traces';
      const body = isOtlp ? Buffer.from(record.req_body.base64, 'base64') : JSON.stringify(withExperiment(record.req_body, experimentId));
      const reply = await fetch(`${server.url}${record.path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${server.token}`,
          'content-type': record.req_content_type,
          ...(isOtlp ? { 'x-mlflow-experiment-id': experimentId } : {}),
        },
        body,
      });
      assert.equal(reply.status, 200, `#${record.seq}: ${await reply.text()}`);
    }
    profile = mkdtempSync(path.join(os.tmpdir(), 'runlens-traces-chromium-'));
    browser = await launchChromium(profile);
    page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(server.dashboards);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  test('the span tree, a conversation, an exception, and feedback from the page', stepTimeout, async () => {
    await page.goto(new URL('/trace/tr-c76531b3abc24a2a1d486224350c9803', server.url).href);
    await page.waitForFunction(() => document.querySelectorAll('[data-name="trace-waterfall"] .span-row').length === 4, null, { timeout: 20_000 }).catch(async (error) => {
      throw new Error(`${error.message}\nThe page shows: ${await page.evaluate(() => document.body.innerText)}`);
    });
    const names = await page.$$eval('[data-name="trace-waterfall"] .span-name > span:first-child', (spans) => spans.map((s) => s.textContent));
    assert.deepEqual(names, ['outer_entry', 'middle', 'leaf', 'leaf']);
    await page.locator('.span-row', { hasText: 'leaf' }).first().click();
    await page.locator('[data-name="exception"]').waitFor({ timeout: 10_000 });
    assert.match(await page.locator('[data-name="exception"]').textContent(), /negative input not allowed/);

    await page.goto(new URL('/trace/tr-5b00417ed8c0fcf25651509ec05eba6d?theme=light', server.url).href);
    await page.locator('.span-row', { hasText: 'llm_call' }).click();
    await page.locator('[data-name="chat"]').first().waitFor({ timeout: 10_000 });
    const roles = await page.$$eval('[data-name="chat"] .chat-role', (els) => els.map((e) => e.textContent));
    assert.deepEqual(roles, ['user', 'assistant']);

    await page.locator('[data-name="feedback-good"]').click();
    await page.locator('[data-name="assessment"]').first().waitFor({ timeout: 10_000 });
    const stored = await (
      await fetch(`${server.url}/api/3.0/mlflow/traces/tr-5b00417ed8c0fcf25651509ec05eba6d`, { headers: { authorization: `Bearer ${server.token}` } })
    ).json();
    const [feedback] = stored.trace.trace_info.assessments;
    assert.equal(feedback.assessment_name, 'helpfulness');
    assert.deepEqual(feedback.feedback, { value: true });
    mkdirSync(resultsDir, { recursive: true });
    await page.screenshot({ path: path.join(resultsDir, 'trace-viewer.png'), fullPage: true });
  });

  test("a run's dashboard lists its traces, a click opens one in the viewer; the compare view counts them", stepTimeout, async () => {
    const experimentId = await server.api.createExperiment('genai e2e runs');
    const traced = await server.api.createRun(experimentId, 'agent run');
    const plain = await server.api.createRun(experimentId, 'no traces');
    await server.api.post('traces/link-to-run', { trace_ids: ['tr-c76531b3abc24a2a1d486224350c9803', 'tr-5b00417ed8c0fcf25651509ec05eba6d'], run_id: traced });

    await page.goto(new URL(`/run/${traced}`, server.url).href);
    const rows = page.locator('[data-name="traces"] vscode-data-grid-row[data-key]');
    await rows.nth(1).waitFor({ timeout: 20_000 }).catch(async (error) => {
      throw new Error(`${error.message}\nThe page shows: ${await page.evaluate(() => document.body.innerText)}`);
    });
    // Newest first: manual_root (08:48:04.152) after outer_entry (08:48:03.408).
    assert.deepEqual(await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-key'))), [
      'tr-5b00417ed8c0fcf25651509ec05eba6d',
      'tr-c76531b3abc24a2a1d486224350c9803',
    ]);
    assert.match(await rows.nth(1).innerText(), /outer_entry[\s\S]*OK[\s\S]*186 ms[\s\S]*4/);
    await rows.nth(1).getByRole('link', { name: 'outer_entry' }).click();
    await page.waitForURL(/\/trace\/tr-c76531b3abc24a2a1d486224350c9803/, { timeout: 20_000 });
    await page.waitForFunction(() => document.querySelectorAll('[data-name="trace-waterfall"] .span-row').length === 4, null, { timeout: 20_000 });

    await page.goto(new URL(`/compare?run=${traced}&run=${plain}`, server.url).href);
    const stats = page.locator('[data-name="trace-stats"] vscode-data-grid-row[data-key]');
    await stats.nth(1).waitFor({ timeout: 20_000 });
    assert.match(await stats.nth(0).innerText(), /agent run\s+2\s+(\d+) ms/);
    assert.match(await stats.nth(1).innerText(), /no traces\s+0/);
  });

  test('a 10,000-span trace opens with only the rows in view drawn, and scrolling draws the rest', stepTimeout, async () => {
    const experimentId = await server.api.createExperiment('genai e2e big trace');
    const traceHex = 'b16'.padEnd(32, '0');
    const spanHex = (i) => (i + 1).toString(16).padStart(16, '0');
    const startNs = 1_796_546_883_000_000_000n;
    // A root and 9,999 spans four to a parent, each 1 ms, one after another: as in the traceScale unit test.
    const spans = Array.from({ length: 10_000 }, (_, i) => ({
      traceId: traceHex,
      spanId: spanHex(i),
      ...(i > 0 ? { parentSpanId: spanHex(Math.floor((i - 1) / 4)) } : {}),
      name: i === 0 ? 'agent' : `step_${i % 40}`,
      startTimeUnixNano: String(startNs + BigInt(i) * 1_000_000n),
      endTimeUnixNano: String(startNs + BigInt(i === 0 ? 10_000 : i + 1) * 1_000_000n),
      attributes: [
        { key: 'mlflow.spanType', value: { stringValue: JSON.stringify(i % 3 === 0 ? 'LLM' : 'TOOL') } },
        // Inputs and outputs as an agent's steps carry them: the payload the open no longer sends.
        { key: 'mlflow.spanInputs', value: { stringValue: JSON.stringify({ question: `what is step ${i}?`, context: 'retrieved passage '.repeat(4) }) } },
        { key: 'mlflow.spanOutputs', value: { stringValue: JSON.stringify({ answer: `step ${i} is one of the agent's steps`, score: i / 10_000 }) } },
      ],
      status: { code: 1 },
    }));
    const otlp = await fetch(`${server.url}/v1/traces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json', 'x-mlflow-experiment-id': experimentId },
      body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] }),
    });
    assert.equal(otlp.status, 200, await otlp.text());

    // The size of the open's reply (trace/get), as the page receives it.
    const openReplies = [];
    const recordOpenReply = (response) => {
      if (new URL(response.url()).pathname === '/dashboard-api' && response.request().postData()?.includes('"trace/get"')) openReplies.push(response.body().then((body) => body.length));
    };
    page.on('response', recordOpenReply);
    const started = performance.now();
    await page.goto(new URL(`/trace/tr-${traceHex}`, server.url).href);
    await page.waitForFunction(() => document.querySelectorAll('[data-name="trace-waterfall"] .span-row').length > 0, null, { timeout: 60_000 });
    const openMs = performance.now() - started;
    page.off('response', recordOpenReply);
    console.log(`# a 10,000-span trace: page opened to its span tree drawn in ${Math.round(openMs)} ms (budget 1,000 ms); the open's reply ${(await Promise.all(openReplies)).map((bytes) => `${(bytes / 1e6).toFixed(2)} MB`).join(', ')}`);
    const drawn = await page.locator('[data-name="trace-waterfall"] .span-row').count();
    assert.ok(drawn < 500, `${drawn} rows drawn of 10,000`);
    assert.match(await page.locator('[data-name="trace-facts"]').innerText(), /10000 spans/);
    assert.equal(await page.locator('.span-row[aria-posinset="1"]').getAttribute('aria-setsize'), '10000');

    await page.locator('[data-name="trace-waterfall"]').evaluate((waterfall) => {
      waterfall.scrollTop = waterfall.scrollHeight;
    });
    // The tree's last row (depth first: the last child's last descendant), drawn once scrolled to, selects its span.
    const lastRow = page.locator('.span-row[aria-posinset="10000"]');
    await lastRow.waitFor({ timeout: 10_000 });
    const lastName = await lastRow.locator('.span-name > span:first-child').innerText();
    assert.match(lastName, /^step_\d+$/);
    await lastRow.click();
    await page.waitForFunction((name) => document.querySelector('[data-name="span-details"] h2')?.textContent === name, lastName, { timeout: 10_000 });
    // Its inputs and outputs, read when it was selected.
    await page.locator('[data-name="span-details"]', { hasText: /what is step \d+\?/ }).waitFor({ timeout: 10_000 });
    assert.match(await page.locator('[data-name="span-details"]').innerText(), /one of the agent's steps/);
    assert.equal(await page.locator('.span-row[aria-posinset="1"]').count(), 0, 'the rows scrolled far out of view are dropped');
  });
});

/** A StartTraceV3 body, in the experiment this server made. */
function withExperiment(body, experimentId) {
  const info = body.trace.trace_info;
  return { trace: { trace_info: { ...info, trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } } } } };
}
