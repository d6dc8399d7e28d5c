import { createHash } from 'node:crypto';
import { pythonEnvironment, type PythonRunOptions } from './interpreterCapture';
import { firstLine, ProcessStartError, runProcess, type ProcessResult } from './processRunner';

export interface PackageFreeze {
  /** One `name==version` (or `name @ url`, `-e ...`) line per package, normalized and sorted. */
  readonly text: string;
  /** SHA-256 of `text`: equal hashes, equal environments. */
  readonly sha256: string;
  readonly packageCount: number;
  /** `pip` (`pip freeze --all`), or `importlib.metadata` where the interpreter has no pip. */
  readonly source: 'pip' | 'importlib.metadata';
}

export interface FreezeFailure {
  readonly error: string;
}

export type FreezeResult = PackageFreeze | FreezeFailure;

const defaultTimeoutMs = 60_000;

// The installed distributions in sys.path order; the first of a name wins, as for import.
const listDistributions = [
  'import importlib.metadata as metadata',
  'seen = {}',
  'for dist in metadata.distributions():',
  '    name = dist.metadata["Name"]',
  '    if name and name.lower() not in seen:',
  '        seen[name.lower()] = "%s==%s" % (name, dist.version)',
  'print("\\n".join(seen.values()))',
].join('\n');

/**
 * The packages installed for `interpreter`. Slow (about a second), so the launcher starts it and
 * does not wait for it before starting the script. Never throws: a failure is `{ error }`.
 */
export async function freezePackages(interpreter: string, options: PythonRunOptions = {}): Promise<FreezeResult> {
  const run = (args: string[]): Promise<ProcessResult> =>
    runProcess(interpreter, args, {
      cwd: options.cwd ?? process.cwd(),
      env: pythonEnvironment(options.env ?? process.env),
      timeoutMs: options.timeoutMs ?? defaultTimeoutMs,
      signal: options.signal,
    });
  try {
    const pip = await run(['-m', 'pip', 'freeze', '--all']);
    if (pip.timedOut) return { error: `pip freeze did not finish within ${options.timeoutMs ?? defaultTimeoutMs} ms` };
    if (pip.exitCode === 0) return frozen(pip.stdout.toString('utf8'), 'pip');
    const listed = await run(['-c', listDistributions]);
    if (listed.exitCode === 0 && !listed.timedOut) return frozen(listed.stdout.toString('utf8'), 'importlib.metadata');
    return {
      error: `the installed packages could not be listed: pip said "${firstLine(pip.stderr)}"; importlib.metadata said "${
        listed.timedOut ? 'no answer in time' : firstLine(listed.stderr)
      }"`,
    };
  } catch (error) {
    return { error: ProcessStartError.is(error) ? error.message : `the installed packages could not be listed: ${(error as Error).message}` };
  }
}

function frozen(output: string, source: PackageFreeze['source']): PackageFreeze {
  const lines = normalizeFreeze(output);
  const text = lines.map((line) => `${line}\n`).join('');
  return { text, sha256: createHash('sha256').update(text).digest('hex'), packageCount: lines.length, source };
}

// A requirement line that starts with a distribution name: `Name==1.0`, `Name @ file:///...`.
const namedRequirement = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)(\s*(?:===?|@).*)$/;

/**
 * Lines that compare equal for equal environments: comments and blanks dropped, names in PEP 503
 * normal form (`PyYAML` and `pyyaml`, `typing_extensions` and `typing-extensions` are one
 * package), duplicates dropped, sorted the same way on every machine.
 */
export function normalizeFreeze(output: string): string[] {
  const lines = new Set<string>();
  for (const raw of output.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const named = namedRequirement.exec(line);
    lines.add(named ? `${named[1].toLowerCase().replace(/[-_.]+/g, '-')}${named[2].replace(/^\s*(===?)\s*/, '$1')}` : line);
  }
  return [...lines].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
