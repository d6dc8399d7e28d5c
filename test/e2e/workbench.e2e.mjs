// End to end, as a person meets RunLens: the packaged .vsix installed into code-server, the workbench in Chromium,
// the RunLens entry in the activity bar, and the Runs view's welcome content. Run by scripts/test.mjs after packaging.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  freePort,
  installVsix,
  launchChromium,
  listInstalledExtensions,
  makeSandbox,
  removeSandbox,
  startCodeServer,
  waitForHttp,
  writeUserSettings,
} from '../../scripts/codeServerLaunch.mjs';
import { repoRoot } from '../../scripts/codeServerPaths.mjs';
import { isCodeServerInstalled } from '../../scripts/codeServerSetup.mjs';

const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const vsix = path.join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
const resultsDir = path.join(repoRoot, 'test-results');
const containerTitle = manifest.contributes.viewsContainers.activitybar[0].title;
const runButtonLabel = 'Run Active Python File Tracked';
const stepTimeout = { timeout: 120_000 };

describe('the RunLens workbench in code-server, installed from the .vsix', () => {
  let sandbox;
  let server;
  let browser;
  let page;
  const serverLog = [];

  /** Keeps what is needed to understand a failure: a screenshot and the end of code-server's log. */
  async function explainFailure(step, run) {
    try {
      return await run();
    } catch (error) {
      mkdirSync(resultsDir, { recursive: true });
      await page?.screenshot({ path: path.join(resultsDir, `workbench-failure-${step}.png`) }).catch(() => undefined);
      error.message += `\ncode-server log (last lines):\n${serverLog.slice(-40).join('\n')}`;
      throw error;
    }
  }

  before(() => {
    assert.ok(isCodeServerInstalled(), 'code-server is not installed: run `node scripts/codeServerSetup.mjs`');
    assert.ok(existsSync(vsix), `${vsix} is missing: run \`npm run package\` first`);
    sandbox = makeSandbox('runlens-e2e-');
    writeUserSettings(sandbox.userData);
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (sandbox) removeSandbox(sandbox);
  });

  test('the packaged .vsix installs into code-server', stepTimeout, () => {
    installVsix(vsix, sandbox);
    assert.ok(
      listInstalledExtensions(sandbox).includes(`${manifest.publisher}.${manifest.name}@${manifest.version}`),
      'the extension is not listed after installing the .vsix',
    );
  });

  test('the workbench opens with RunLens in the activity bar', stepTimeout, async () => {
    const port = await freePort();
    server = startCodeServer({ port, ...sandbox, onOutput: (line) => serverLog.push(line) });
    await explainFailure('start', async () => {
      await waitForHttp(`http://127.0.0.1:${port}/healthz`, { exited: server.exited });
      browser = await launchChromium(sandbox.chromiumProfile);
      page = browser.pages()[0] ?? (await browser.newPage());
      await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(sandbox.workspace)}`);
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      await activityBarEntry().waitFor({ timeout: 60_000 });
    });
  });

  test('the RunLens view shows its welcome content and the run button', stepTimeout, async () => {
    assert.ok(page, 'the workbench did not open');
    await explainFailure('welcome', async () => {
      await activityBarEntry().click();
      const welcome = page.locator('.welcome-view-content').filter({ hasText: 'RunLens keeps a record' });
      await welcome.waitFor({ timeout: 30_000 });
      const runButton = welcome.getByRole('button', { name: runButtonLabel });
      await runButton.waitFor({ timeout: 10_000 });
      assert.ok(await runButton.isVisible(), `"${runButtonLabel}" is not visible`);
      assert.match(await welcome.innerText(), /MLflow log here unchanged/);
      // The container holds the Runs and Models views, each under a pane header of its own.
      await page.locator('.sidebar .composite.title').filter({ hasText: containerTitle }).waitFor();
      await page.locator('.sidebar .pane-header').filter({ hasText: 'Runs' }).first().waitFor();

      mkdirSync(resultsDir, { recursive: true });
      await page.screenshot({ path: path.join(resultsDir, 'workbench-welcome.png') });
    });
  });

  function activityBarEntry() {
    return page.locator(`.activitybar [aria-label^="${containerTitle}"]`).first();
  }
});
