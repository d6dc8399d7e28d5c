// What every workbench e2e test does around its own steps: a sandboxed code-server with the packaged .vsix, the
// workbench open in Chromium, and on failure a screenshot and the end of code-server's log.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  freePort,
  installVsix,
  launchChromium,
  makeSandbox,
  removeSandbox,
  startCodeServer,
  waitForHttp,
  writeUserSettings,
} from '../../../scripts/codeServerLaunch.mjs';
import { repoRoot } from '../../../scripts/codeServerPaths.mjs';
import { isCodeServerInstalled } from '../../../scripts/codeServerSetup.mjs';

export const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
export const vsix = path.join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
export const resultsDir = path.join(repoRoot, 'test-results');
export const containerTitle = manifest.contributes.viewsContainers.activitybar[0].title;
export const stepTimeout = { timeout: 120_000 };

/** One test file's workbench; `name` prefixes its sandbox and its failure screenshots. */
export function codeServerWorkbench(name) {
  const serverLog = [];
  let server;
  let browser;
  const workbench = { sandbox: undefined, page: undefined };

  /** Checks code-server and the .vsix are there, and makes the sandbox with these user settings. */
  workbench.prepare = (settings) => {
    assert.ok(isCodeServerInstalled(), 'code-server is not installed: run `node scripts/codeServerSetup.mjs`');
    assert.ok(existsSync(vsix), `${vsix} is missing: run \`npm run package\` first`);
    workbench.sandbox = makeSandbox(`runlens-${name}-e2e-`);
    writeUserSettings(workbench.sandbox.userData, settings);
  };

  workbench.installVsix = () => installVsix(vsix, workbench.sandbox);

  /** Starts code-server and opens the workspace in Chromium, up to the workbench showing. */
  workbench.open = async () => {
    const port = await freePort();
    server = startCodeServer({ port, ...workbench.sandbox, onOutput: (line) => serverLog.push(line) });
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, { exited: server.exited });
    browser = await launchChromium(workbench.sandbox.chromiumProfile);
    const page = browser.pages()[0] ?? (await browser.newPage());
    workbench.page = page;
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workbench.sandbox.workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    return page;
  };

  /** Opens a file of the workspace from the Explorer, kept open (a double click: not a preview that the next editor replaces). */
  workbench.openFile = async (name) => {
    const file = workbench.page.locator('.explorer-folders-view .monaco-list-row').filter({ hasText: name }).first();
    await file.waitFor({ timeout: 60_000 });
    await file.dblclick();
  };

  /** Keeps what is needed to understand a failure: a screenshot and the end of code-server's log. */
  workbench.explainFailure = async (step, run) => {
    try {
      return await run();
    } catch (error) {
      mkdirSync(resultsDir, { recursive: true });
      await workbench.page?.screenshot({ path: path.join(resultsDir, `${name}-failure-${step}.png`) }).catch(() => undefined);
      error.message += `\ncode-server log (last lines):\n${serverLog.slice(-40).join('\n')}`;
      throw error;
    }
  };

  workbench.close = async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (workbench.sandbox) removeSandbox(workbench.sandbox);
  };

  return workbench;
}
