import { firstLine, ProcessStartError, runProcess } from './processRunner';

export interface PythonRunOptions {
  /** The environment the script will run in (defaults to this process's). */
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface InterpreterInfo {
  /** The interpreter as the launcher resolved it. */
  readonly path: string;
  /** `sys.executable`: where it really is. */
  readonly executable: string;
  /** `platform.python_version()`, e.g. `3.11.7`. */
  readonly version: string;
  /** `CPython`, `PyPy`, ... */
  readonly implementation: string;
  /** `sys.prefix`: the environment's folder. */
  readonly prefix: string;
  /** Whether `sys.prefix` differs from `sys.base_prefix`: a virtual environment. */
  readonly virtualEnvironment: boolean;
}

export interface InterpreterFailure {
  readonly path: string;
  readonly error: string;
}

export type InterpreterCapture = InterpreterInfo | InterpreterFailure;

const defaultTimeoutMs = 10_000;

// Works on any Python still in use, 2.7 included, so that an old interpreter is described rather
// than rejected.
const describeInterpreter = [
  'import sys, json, platform',
  'print(json.dumps({"version": platform.python_version(), "implementation": platform.python_implementation(),',
  ' "executable": sys.executable, "prefix": sys.prefix, "base_prefix": getattr(sys, "base_prefix", sys.prefix)}))',
].join('\n');

/** Environment for running Python to ask it something: UTF-8 output, no stray files or prompts. */
export function pythonEnvironment(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...base,
    PYTHONIOENCODING: 'utf-8',
    PYTHONUTF8: '1',
    PYTHONDONTWRITEBYTECODE: '1',
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
    PIP_NO_INPUT: '1',
    PIP_NO_COLOR: '1',
  };
}

/** Runs the interpreter once to learn what it is. Never throws: a failure is `{ path, error }`. */
export async function captureInterpreter(interpreterPath: string, options: PythonRunOptions = {}): Promise<InterpreterCapture> {
  const fail = (error: string): InterpreterFailure => ({ path: interpreterPath, error });
  try {
    const result = await runProcess(interpreterPath, ['-c', describeInterpreter], {
      cwd: options.cwd ?? process.cwd(),
      env: pythonEnvironment(options.env ?? process.env),
      timeoutMs: options.timeoutMs ?? defaultTimeoutMs,
      signal: options.signal,
    });
    if (result.timedOut) return fail(`${interpreterPath} did not answer within ${options.timeoutMs ?? defaultTimeoutMs} ms`);
    if (result.exitCode !== 0) return fail(`${interpreterPath} failed: ${firstLine(result.stderr) || `exit code ${result.exitCode}`}`);
    const lines = result.stdout.toString('utf8').trim().split('\n');
    const answer = JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
    const text = (key: string): string => (typeof answer[key] === 'string' ? (answer[key] as string) : '');
    return {
      path: interpreterPath,
      executable: text('executable'),
      version: text('version'),
      implementation: text('implementation'),
      prefix: text('prefix'),
      virtualEnvironment: text('prefix') !== text('base_prefix'),
    };
  } catch (error) {
    if (ProcessStartError.is(error)) return fail(error.message);
    return fail(`${interpreterPath} gave an answer RunLens could not read: ${(error as Error).message}`);
  }
}

export function isInterpreterFailure(capture: InterpreterCapture): capture is InterpreterFailure {
  return 'error' in capture;
}
