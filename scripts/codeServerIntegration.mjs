// Runs the compiled integration suite inside a real VS Code: the VS Code server bundled in code-server, on Node 24,
// driven by Debian's Chromium through playwright-core. The extension is loaded from the repository as a
// development extension, and the suite's `run()` executes in the real Node extension host (shared/vscode-testing.md).
//
//   node scripts/codeServerIntegration.mjs [--tests out/test/integration/index.js] [--extension .] [--timeout 600]
//
// Exits with the suite's result (0 passed, 1 failed); the suite's own `N passed, N failed` line is the last line printed.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, parseArgs } from 'node:util';
import { codeServerEnv, node24Binary, repoRoot, vscodeServerMain } from './codeServerPaths.mjs';
import { isCodeServerInstalled } from './codeServerSetup.mjs';
import {
  freePort,
  launchChromium,
  makeSandbox,
  removeSandbox,
  startServerProcess,
  waitForHttp,
  writeUserSettings,
} from './codeServerLaunch.mjs';
import { startGuestOwner } from './guestOwner.mjs';

const summaryPattern = /(\d+) passed, (\d+) failed/;

/**
 * Workbench chatter that says nothing about the tests: offline gallery lookups and the GitHub auth provider's
 * timeout (shared/vscode-testing.md calls them harmless), the service worker that the plain VS Code server does not
 * serve, connection setup, and requests cancelled when the extension host exits.
 */
const workbenchNoise = [
  /ENOTFOUND open-vsx\.org/,
  /^\[Service Worker\] registration/,
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket \(renderer-/,
  /^\[reconnection-grace-time\]/,
  /^Updating additional builtin extensions cache/,
  /^\[AgentHost:remote\]/,
  /^\[AccountPolicyGate\]/,
  /^Canceled: Canceled/,
  /authentication provider 'github' to register/,
  // The workbench's own complaint, with its stack, when a restored webview is closed before it is shown: the test
  // that closes a panel whose saved state is not a dashboard does exactly that, on purpose.
  /^OverlayWebview has been disposed/,
  // The workbench's log when a change event for a tree item arrives after a full refresh dropped the item (a
  // filter applied while a metric was being logged): the tree is redrawn whole anyway, so nothing is lost.
  /^TreeError \[runlens\.(runs|models)\] Data tree node not found/,
];

/**
 * Returns `{ exitCode, passed, failed }`; `passed`/`failed` are undefined when the suite never reported
 * (it crashed, or the watchdog fired).
 */
export async function runIntegrationTests({
  extensionDevelopmentPath = repoRoot,
  extensionTestsPath = path.join(repoRoot, 'out/test/integration/index.js'),
  // Seven windows, one of them reloaded twice and one whose extension host is killed: ~4 min idle, over 15 min at a
  // load of 15-20 on two cores.
  timeoutMs = 1_200_000,
  log = (line) => console.log(line),
} = {}) {
  if (!isCodeServerInstalled()) {
    throw new Error('code-server is not installed in .vscode-test/: run `node scripts/codeServerSetup.mjs` first');
  }
  const main = JSON.parse(readFileSync(path.join(extensionDevelopmentPath, 'package.json'), 'utf8')).main;
  if (!existsSync(path.join(extensionDevelopmentPath, main))) {
    throw new Error(`${main} is missing in ${extensionDevelopmentPath}: build first (node scripts/build.mjs)`);
  }
  if (!existsSync(extensionTestsPath)) {
    throw new Error(`${extensionTestsPath} is missing: compile the tests first (npx tsc -p tsconfig.test.json)`);
  }

  const sandbox = makeSandbox('runlens-integration-');
  writeUserSettings(sandbox.userData);
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  // The server's own log is only worth reading when something went wrong.
  const serverLog = [];
  const server = startServerProcess(
    node24Binary,
    [
      vscodeServerMain,
      '--host', '127.0.0.1',
      '--port', String(port),
      '--without-connection-token',
      '--accept-server-license-terms',
      '--enable-smoke-test-driver',
      '--disable-telemetry',
      '--user-data-dir', sandbox.userData,
      '--server-data-dir', sandbox.serverData,
      '--extensions-dir', sandbox.extensions,
    ],
    { env: codeServerEnv(), onOutput: (line) => serverLog.push(line) },
  );

  let browser;
  let watchdog;
  const totals = { passed: 0, failed: 0, reported: true };
  // Mocha's report of each window's failures, repeated after the server log: a CI log shows only its tail.
  const failures = [];
  // The watchdog covers the whole run, from the server's start to the last window's end.
  const timedOut = new Promise((resolve) => {
    watchdog = setTimeout(() => resolve({ timeout: true }), timeoutMs);
  });
  try {
    await waitForHttp(origin, { timeoutMs: 60_000, exited: server.exited });
    browser = await launchChromium(sandbox.chromiumProfile);
    const serverDied = server.exited.then((exit) => ({ serverExit: exit }));
    let exitCode = 0;
    for (const window of testWindows(sandbox, extensionTestsPath)) {
      const owner = window.ownedElsewhere ? await startGuestOwner({ extensionDevelopmentPath, folder: window.folders[0], log }) : undefined;
      let outcome;
      try {
        outcome = await runWindowUntilDone({ browser, port, extensionDevelopmentPath, window, ended: Promise.race([timedOut, serverDied]), serverLog, failures, log });
      } finally {
        await owner?.stop();
        // The next window starts from a folder no server process holds, and nothing outlives the run.
        const stopped = await server.stopRunLensServers();
        if (stopped.length > 0) log(`integration: stopped the RunLens server process(es) of the ${window.name} window: ${stopped.join(', ')}`);
      }
      if (outcome.summary) {
        totals.passed += outcome.summary.passed;
        totals.failed += outcome.summary.failed;
      } else {
        totals.reported = false;
      }
      if (outcome.timeout) log(`integration: watchdog fired after ${timeoutMs / 1000} s`);
      if (outcome.serverExit) log(`integration: the VS Code server exited early (${JSON.stringify(outcome.serverExit)})`);
      if ((outcome.code ?? 1) !== 0) exitCode = 1;
      if (outcome.timeout || outcome.serverExit) break;
    }
    if (exitCode !== 0) {
      log('integration: VS Code server log follows');
      for (const line of serverLog.slice(-200)) log(`  ${line}`);
    }
    if (failures.length > 0) {
      log('integration: the failures, again');
      for (const line of failures) log(line);
    }
    return { exitCode, ...(totals.reported ? { passed: totals.passed, failed: totals.failed } : {}) };
  } finally {
    clearTimeout(watchdog);
    await browser?.close().catch(() => undefined);
    await server.stop();
    removeSandbox(sandbox);
  }
}

/**
 * The windows the suite runs in, one after another, each with an extension host of its own on a workspace of its
 * own: the main suite in a folder its tests fill as they go; the tests under freshWorkspace/ in a folder with no
 * `.runlens/` (a person's first use); those under multiRoot/ in a `.code-workspace` of two folders; those under
 * guestWindow/ in a folder whose store a `runlens serve` owns, started before the window opens (guestOwner.mjs);
 * survival/reload/ in a folder of their own, across a reload of the window. A window whose compiled entry point is
 * missing is skipped.
 */
function testWindows(sandbox, mainTestsPath) {
  const testsDir = path.dirname(mainTestsPath);
  const fresh = path.join(sandbox.root, 'fresh-workspace');
  const multiRoot = path.join(sandbox.root, 'multi-root');
  const survival = (name) => path.join(sandbox.root, `${name}-workspace`);
  const workspaceFile = path.join(multiRoot, 'runlens.code-workspace');
  const guest = path.join(sandbox.root, 'guest-workspace');
  const windows = [
    { name: 'main', tests: mainTestsPath, open: ['folder', sandbox.workspace] },
    { name: 'fresh workspace', tests: path.join(testsDir, 'freshWorkspace', 'index.js'), open: ['folder', fresh], folders: [fresh] },
    {
      name: 'multi-root workspace',
      tests: path.join(testsDir, 'multiRoot', 'index.js'),
      open: ['workspace', workspaceFile],
      folders: ['alpha', 'beta'].map((name) => path.join(multiRoot, name)),
      workspaceFile,
    },
    { name: 'guest window', tests: path.join(testsDir, 'guestWindow', 'index.js'), open: ['folder', guest], folders: [guest], ownedElsewhere: true },
    // Reloads itself while a launched script logs: the window's entry point runs again in the next extension host,
    // which checks that the script lived on.
    // The window serves the store itself (`window`, whatever the default): process-mode-reload is its twin.
    {
      name: 'reload',
      tests: path.join(testsDir, 'survival', 'reload', 'index.js'),
      open: ['folder', survival('reload')],
      folders: [survival('reload')],
      settings: { 'runlens.server.mode': 'window' },
    },
    // The same with the store served by a RunLens server process; its second extension host also kills itself with
    // SIGKILL, and the window is opened again (runWindowUntilDone).
    {
      name: 'process-mode reload and crash',
      tests: path.join(testsDir, 'survival', 'processMode', 'index.js'),
      open: ['folder', survival('process-mode')],
      folders: [survival('process-mode')],
      settings: { 'runlens.server.mode': 'process' },
    },
  ];
  return windows.filter((window) => existsSync(window.tests)).map((window) => {
    for (const folder of window.folders ?? []) mkdirSync(folder, { recursive: true });
    if (window.settings) {
      mkdirSync(path.join(window.folders[0], '.vscode'), { recursive: true });
      writeFileSync(path.join(window.folders[0], '.vscode', 'settings.json'), JSON.stringify(window.settings, null, 2));
    }
    if (window.workspaceFile) {
      const folders = window.folders.map((folder) => ({ path: path.relative(path.dirname(window.workspaceFile), folder) }));
      writeFileSync(window.workspaceFile, JSON.stringify({ folders }, null, 2));
    }
    return window;
  });
}

/**
 * Runs a window, and opens it again as long as its extension host, before going away, left the marker
 * `.reopen-window` in its folder (it killed itself, as a crash would: a development window then just ends). The
 * windows' counts add up; the exit code of one that ended that way says nothing, its failures are in its counts.
 */
async function runWindowUntilDone(options) {
  const marker = path.join(options.window.folders?.[0] ?? '', '.reopen-window');
  const totals = { passed: 0, failed: 0 };
  for (;;) {
    const outcome = await runWindow(options);
    if (outcome.summary) {
      totals.passed += outcome.summary.passed;
      totals.failed += outcome.summary.failed;
    }
    if (!options.window.folders || !existsSync(marker) || outcome.timeout || outcome.serverExit) {
      const summary = outcome.summary || totals.passed + totals.failed > 0 ? { ...totals } : undefined;
      return { ...outcome, summary, code: totals.failed > 0 ? 1 : outcome.code };
    }
    rmSync(marker);
    options.log(`integration: ${options.window.name} window: its extension host is gone; opening the window again`);
  }
}

/**
 * Opens one window on its workspace with the suite's entry point as `extensionTestsPath`, relays what it logs and
 * resolves with its exit code and `N passed, N failed` (undefined when it never reported), or with what ended it.
 */
async function runWindow({ browser, port, extensionDevelopmentPath, window, ended, serverLog, failures, log }) {
  const page = await browser.newPage();
  let summary;
  // Mocha prints `N failing` and then each failure with its stack, before the window's summary line.
  let inFailureReport = false;
  const relay = (line) => {
    const match = summaryPattern.exec(line);
    if (match) {
      summary = { passed: Number(match[1]), failed: Number(match[2]) };
      inFailureReport = false;
    } else if (/^\s*\d+ failing\s*$/.test(line)) {
      inFailureReport = true;
      failures.push(`[${window.name} window]`);
    }
    if (inFailureReport) failures.push(line);
    log(line);
  };
  // The workbench calls these two when it runs with an extensionTestsPath (VS Code's browser test mechanism).
  // Both the workbench's log and the extension host's console arrive here, as console.log's arguments.
  let reportExit;
  const finished = new Promise((resolve) => (reportExit = resolve));
  await page.exposeFunction('codeAutomationLog', (_type, args) => {
    const text = Array.isArray(args) ? format(...args) : String(args);
    if (workbenchNoise.some((noise) => noise.test(text))) return;
    for (const line of text.split('\n')) relay(line);
  });
  await page.exposeFunction('codeAutomationExit', (code) => reportExit({ code }));
  page.on('pageerror', (error) => serverLog.push(`[page error] ${error.message}`));

  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(extensionDevelopmentPath)],
    ['extensionTestsPath', remote(window.tests)],
    ['skipWelcome', 'true'],
  ];
  const [kind, where] = window.open;
  log(`integration: ${window.name} window`);
  await page.goto(`http://127.0.0.1:${port}/?${kind}=${encodeURIComponent(where)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  try {
    return { ...(await Promise.race([finished, ended])), summary };
  } finally {
    await page.close().catch(() => undefined);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { tests: { type: 'string' }, extension: { type: 'string' }, timeout: { type: 'string' } },
  });
  try {
    const result = await runIntegrationTests({
      extensionDevelopmentPath: values.extension ? path.resolve(values.extension) : undefined,
      extensionTestsPath: values.tests ? path.resolve(values.tests) : undefined,
      timeoutMs: values.timeout ? Number(values.timeout) * 1000 : undefined,
    });
    // Repeated last, after any server log, for scripts/test.mjs to count.
    console.log(
      result.passed === undefined
        ? 'integration: 0 passed, 1 failed (the suite never reported)'
        : `integration: ${result.passed} passed, ${result.failed} failed`,
    );
    process.exitCode = result.exitCode;
  } catch (error) {
    console.error(`integration: ${error instanceof Error ? error.message : error}`);
    process.exitCode = 1;
  }
}
