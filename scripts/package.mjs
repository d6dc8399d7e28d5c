// `npm run package`: a production build, then runlens-<version>.vsix in the repository root with @vscode/vsce.
// What goes in is decided by .vscodeignore (an allow-list); test/unit/manifest checks the result.
import { createVSIX } from '@vscode/vsce';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

export function vsixPath() {
  const { name, version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  return path.join(root, `${name}-${version}.vsix`);
}

/** Builds in production mode and packages; returns the path of the .vsix. */
export async function packageExtension() {
  const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--production'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error(`production build failed (exit code ${build.status})`);

  const packagePath = vsixPath();
  await createVSIX({
    cwd: root,
    packagePath,
    // Everything is bundled into dist/: node_modules never ships.
    dependencies: false,
    // No public repository yet; without this vsce stops to ask on stdin, which CI does not have.
    allowMissingRepository: true,
    // README's screenshots are relative (media/screenshots/, shipped in the package): keep them so rather
    // than failing for want of a repository URL to rewrite them against.
    rewriteRelativeLinks: false,
  });
  const megabytes = statSync(packagePath).size / 1024 / 1024;
  console.log(`${path.basename(packagePath)}: ${megabytes.toFixed(2)} MB`);
  return packagePath;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    await packageExtension();
  } catch (error) {
    console.error(`package: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
