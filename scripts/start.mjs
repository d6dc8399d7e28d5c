// `npm start`: RunLens as a person meets it. Builds and packages the .vsix, installs it into a code-server kept in
// .vscode-test/start/ (installing code-server first if needed), serves the workbench on examples/ at
// http://127.0.0.1:PORT and keeps running until Ctrl-C, which also stops the RunLens server processes its windows
// started (one per folder, on first use: `runlens.server.mode` "process").
//
//   node scripts/start.mjs [--port 8080]
//
// package.json's `start` runs it with `exec`: otherwise npm's `sh -c` dies of the Ctrl-C itself and npm exits 130
// even though this script stopped code-server cleanly and exited 0.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, installVsix, startCodeServer, waitForHttp, writeUserSettings } from './codeServerLaunch.mjs';
import { codeServerBuildPackages, repoRoot, vscodeTestDir } from './codeServerPaths.mjs';
import { ensureCodeServer, ensureDebianPackages, isCodeServerInstalled } from './codeServerSetup.mjs';
import { packageExtension } from './package.mjs';

const { values } = parseArgs({ options: { port: { type: 'string' } } });
const port = values.port ? Number(values.port) : await freePort();
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`--port takes a port number, not "${values.port}"`);
  process.exit(2);
}

try {
  if (!isCodeServerInstalled()) {
    // Only what building code-server needs: a person's own browser opens the workbench, not Chromium.
    ensureDebianPackages(codeServerBuildPackages);
    ensureCodeServer();
  }
  const vsix = await packageExtension();

  // One profile kept between runs, so settings and opened editors survive a restart; the .vsix is reinstalled each time.
  const profile = { userData: path.join(vscodeTestDir, 'start', 'user-data'), extensions: path.join(vscodeTestDir, 'start', 'extensions') };
  if (!existsSync(path.join(profile.userData, 'User', 'settings.json'))) writeUserSettings(profile.userData);
  mkdirSync(profile.extensions, { recursive: true });
  installVsix(vsix, profile);

  const folder = path.join(repoRoot, 'examples');
  mkdirSync(folder, { recursive: true });
  const server = startCodeServer({ port, ...profile, folder, onOutput: (line) => console.log(`[code-server] ${line}`) });
  // Ctrl-C stops code-server on purpose: that exit is a success, not the crash reported below. The signal comes
  // twice (from the terminal, and forwarded by npm), so stopping is idempotent and the handlers stay installed.
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  await waitForHttp(`http://127.0.0.1:${port}/healthz`, { exited: server.exited });
  const url = `http://127.0.0.1:${port}/?folder=${folder.split('/').map(encodeURIComponent).join('/')}`;
  console.log(`\nRunLens is running in code-server on ${path.relative(repoRoot, folder)}/:\n\n  ${url}\n\nPress Ctrl-C to stop.\n`);

  const exit = await server.exited;
  if (stopping) await new Promise(() => {}); // stop() exits the process once the whole group is gone
  console.error(`code-server exited (${JSON.stringify(exit)})`);
  await server.stop(); // the RunLens server processes its windows started go with it
  process.exit(1);
} catch (error) {
  console.error(`start: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
