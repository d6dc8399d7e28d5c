import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The repository root, found upward from the compiled test (tests compile into out/ or out/NAME/). */
export function repoRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'runlens') {
      return dir;
    }
  }
  throw new Error(`no runlens package.json above ${__dirname}`);
}
