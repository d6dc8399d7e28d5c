// Runs the compiled integration suite inside a real VS Code: the VS Code server bundled in code-server, on Node 24,
// driven by Debian's Chromium through playwright-core. The extension is loaded from the repository as a
// development extension, and the suite's `run()` executes in the real Node extension host (shared/vscode-testing.md).
//
//   node scripts/codeServerIntegration.mjs [--tests out/test/integration/index.js] [--extension .] [--timeout 300]
//
// Exits with the suite's result (0 passed, 1 failed); the suite's own `N passed, N failed` line is the last line printed.
import { existsSync, readFileSync } from 'node:fs';
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
];

/**
 * Returns `{ exitCode, passed, failed }`; `passed`/`failed` are undefined when the suite never reported
 * (it crashed, or the watchdog fired).
 */
export async function runIntegrationTests({
  extensionDevelopmentPath = repoRoot,
  extensionTestsPath = path.join(repoRoot, 'out/test/integration/index.js'),
  timeoutMs = 300_000,
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
  let summary;
  const relay = (line) => {
    const match = summaryPattern.exec(line);
    if (match) summary = { passed: Number(match[1]), failed: Number(match[2]) };
    log(line);
  };
  // The watchdog covers the whole run, from the server's start to the suite's end.
  const timedOut = new Promise((resolve) => {
    watchdog = setTimeout(() => resolve({ timeout: true }), timeoutMs);
  });
  try {
    await waitForHttp(origin, { timeoutMs: 60_000, exited: server.exited });
    browser = await launchChromium(sandbox.chromiumProfile);
    const page = browser.pages()[0] ?? (await browser.newPage());
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
    const serverDied = server.exited.then((exit) => ({ serverExit: exit }));
    page.on('pageerror', (error) => serverLog.push(`[page error] ${error.message}`));

    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(extensionDevelopmentPath)],
      ['extensionTestsPath', remote(extensionTestsPath)],
      ['skipWelcome', 'true'],
    ];
    const url = `${origin}/?folder=${encodeURIComponent(sandbox.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url);

    const outcome = await Promise.race([finished, timedOut, serverDied]);
    if (outcome.timeout) log(`integration: watchdog fired after ${timeoutMs / 1000} s`);
    if (outcome.serverExit) log(`integration: the VS Code server exited early (${JSON.stringify(outcome.serverExit)})`);
    const exitCode = outcome.code ?? 1;
    if (exitCode !== 0) {
      log('integration: VS Code server log follows');
      for (const line of serverLog.slice(-200)) log(`  ${line}`);
    }
    return { exitCode, ...summary };
  } finally {
    clearTimeout(watchdog);
    await browser?.close().catch(() => undefined);
    await server.stop();
    removeSandbox(sandbox);
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
