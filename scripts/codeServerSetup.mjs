// Installs what the tests in a real VS Code need, the one way both CI (.ci/run) and `npm test` / `npm start` do it:
// Debian packages (Chromium, compilers for code-server's native modules), then Node 24 and code-server from npm
// into .vscode-test/. Nothing is downloaded from anywhere but Debian and the npm registry.
//
//   node scripts/codeServerSetup.mjs                 check and install what is missing
//   node scripts/codeServerSetup.mjs --apt-packages  print the Debian package names (for .ci/run)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  aptPackages,
  chromiumPath,
  codeServerEnv,
  codeServerPackage,
  installPrefixes,
  installedMarker,
  node24Binary,
  node24Dir,
  nodePackage,
  vscodeServerMain,
  withoutNpmRunVariables,
} from './codeServerPaths.mjs';

const isRoot = process.getuid?.() === 0;

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) throw new Error(`${command} could not start: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status}`);
}

function isDebianPackageInstalled(name) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes('install ok installed');
}

/**
 * Makes sure the Debian packages are there. As root it installs the missing ones; otherwise it says
 * exactly what to install and fails, since nothing after it works without them. Where there is no dpkg
 * (not Debian), only Chromium's path is checked and the rest is left to the person.
 */
export function ensureDebianPackages(names = aptPackages) {
  if (spawnSync('dpkg-query', ['--version']).status !== 0) {
    if (names.includes('chromium') && !existsSync(chromiumPath)) {
      throw new Error(`${chromiumPath} is missing; on Debian: apt-get install -y --no-install-recommends ${names.join(' ')}`);
    }
    return;
  }
  const missing = names.filter((name) => !isDebianPackageInstalled(name));
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (!isRoot) {
    throw new Error(`Missing Debian packages: ${missing.join(', ')}. Install them as root:\n  ${command}`);
  }
  console.log(`Installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], { env });
  run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env });
}

export function isCodeServerInstalled() {
  return existsSync(installedMarker) && existsSync(node24Binary) && existsSync(vscodeServerMain);
}

/** Installs Node 24 and code-server into .vscode-test/ unless a previous install finished. */
export function ensureCodeServer() {
  if (isCodeServerInstalled()) return false;
  const started = performance.now();
  rmSync(installedMarker, { force: true });
  for (const prefix of Object.values(installPrefixes)) mkdirSync(prefix, { recursive: true });
  const npmArgs = ['install', '--no-audit', '--no-fund', '--save-exact'];

  console.log(`Installing ${nodePackage} into ${installPrefixes.node24}`);
  run('npm', [...npmArgs, '--prefix', installPrefixes.node24, nodePackage], { env: withoutNpmRunVariables(process.env) });

  console.log(`Installing ${codeServerPackage} into ${installPrefixes.codeServer} (builds native modules for Node 24)`);
  run('npm', [...npmArgs, '--prefix', installPrefixes.codeServer, codeServerPackage], {
    env: codeServerEnv({
      // node-gyp compiles against Node 24's headers, not the machine's Node.
      npm_config_nodedir: node24Dir,
      // code-server's install runs a nested `npx node-gyp`; the machine's npm config may say yes=false.
      npm_config_yes: 'true',
    }),
  });

  if (!existsSync(vscodeServerMain)) throw new Error(`code-server installed, but ${vscodeServerMain} is missing`);
  writeFileSync(installedMarker, `${new Date().toISOString()}\n`);
  console.log(`Node 24 and code-server installed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--apt-packages')) {
    console.log(aptPackages.join(' '));
  } else {
    try {
      ensureDebianPackages();
      ensureCodeServer();
    } catch (error) {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    }
  }
}
