import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The version in the package.json beside the CLI's bundle (dist/cli.js), when there is one. */
export function runlensVersion(): string | undefined {
  try {
    return (JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}
