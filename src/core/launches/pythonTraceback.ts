import path from 'node:path';

/** One `File "…", line N, in …` entry of a Python traceback. */
export interface TracebackFrame {
  /** As Python printed it: absolute for scripts run by path, `<frozen runpy>`, `<string>` and the like otherwise. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** Absent in a SyntaxError's own entry, which names no function. */
  readonly functionName?: string;
}

/** One exception of a chain: its frames, outermost first, and its last line. */
export interface PythonException {
  /** `ValueError`, `mypackage.errors.BadInput`. */
  readonly type: string;
  /** The text after `Type: `, continuation lines included; empty when the exception has none. */
  readonly message: string;
  readonly frames: readonly TracebackFrame[];
}

/** The exception where a frame of the workspace failed. */
export interface WorkspaceFailure {
  readonly exception: PythonException;
  readonly frame: TracebackFrame;
  /** The frame's file, absolute. */
  readonly file: string;
}

const header = /^Traceback \(most recent call last\):$/;
const frameLine = /^ {2}File "(.+)", line (\d+)(?:, in (.+))?$/;
const chainLines = new Set([
  'During handling of the above exception, another exception occurred:',
  'The above exception was the direct cause of the following exception:',
]);
/** The first line of an exception: a dotted class name, then `: message` unless it has none. */
const exceptionLine = /^([A-Za-z_][\w.]*)(?:: ?(.*))?$/;
/** Terminal colours (FORCE_COLOR, PYTHON_COLORS): the log keeps the bytes the script wrote. */
const ansi = /\x1b\[[0-9;]*[A-Za-z]/g;
const maxMessageLines = 20;

/**
 * The last exception chain Python printed in a process's output (stdout and stderr interleaved):
 * each exception with its frames, the cause first and the exception that ended the process last.
 * Plain tracebacks, chains ("During handling…", "The above exception…") and a SyntaxError's caret
 * form (which has no header when the script itself does not compile). Empty when the output holds
 * no traceback; what the script printed before or between is skipped.
 */
export function parseTraceback(output: string): PythonException[] {
  const lines = output.replace(ansi, '').split(/\r?\n/);
  let chain: PythonException[] = [];
  // The exception being read, its frames so far; undefined between tracebacks.
  let frames: TracebackFrame[] | undefined;
  let chained = false;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    if (header.test(line)) {
      if (!chained) chain = [];
      frames = [];
      chained = false;
      continue;
    }
    if (chainLines.has(line)) {
      chained = chain.length > 0;
      continue;
    }
    const frame = frameLine.exec(line);
    // A SyntaxError of the script itself starts at its frame, without a header.
    if (frame && frames === undefined) {
      if (!chained) chain = [];
      frames = [];
      chained = false;
    }
    if (frame && frames) {
      frames.push({ file: frame[1], line: Number(frame[2]), ...(frame[3] !== undefined ? { functionName: frame[3] } : {}) });
      continue;
    }
    if (frames === undefined) continue;
    // The frame's code, its ~~~^^^ markers, a SyntaxError's caret: indented further than the frame.
    if (line.startsWith('    ') || (frames.length > 0 && line.trim() === '')) continue;
    const thrown = exceptionLine.exec(line);
    if (thrown && frames.length > 0) {
      const rest = messageLines(lines, index + 1);
      const message = [thrown[2] ?? '', ...rest].join('\n').trim();
      chain.push({ type: thrown[1], message, frames });
      index += rest.length;
    }
    frames = undefined;
  }
  return chain;
}

/** The lines that continue an exception's message: up to a blank line or the next part of a traceback. */
function messageLines(lines: readonly string[], start: number): string[] {
  const rest: string[] = [];
  for (let index = start; index < lines.length && rest.length < maxMessageLines; index++) {
    const line = lines[index];
    if (line.trim() === '' || header.test(line) || chainLines.has(line) || frameLine.test(line)) break;
    rest.push(line);
  }
  return rest;
}

/** Code installed into an environment, which the workspace may hold (a `.venv/`) but nobody edits. */
const installedCode = /[\\/](site-packages|dist-packages)[\\/]/;

/**
 * Where the failure shows in the workspace: the innermost frame of the exception that ended the
 * process whose file lies in `workspaceRoot` (not in an installed package); if none of its frames
 * does, the same in the exceptions it was raised from, last first. Relative paths are the
 * process's own, resolved against `cwd`. Undefined when no frame is in the workspace.
 */
export function workspaceFailure(chain: readonly PythonException[], workspaceRoot: string, cwd: string): WorkspaceFailure | undefined {
  const last = chain.at(-1);
  if (last === undefined) return undefined;
  for (const exception of [...chain].reverse()) {
    for (const frame of [...exception.frames].reverse()) {
      if (frame.file.startsWith('<')) continue;
      const file = path.resolve(cwd, frame.file);
      const relative = path.relative(workspaceRoot, file);
      if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative) || installedCode.test(file)) continue;
      // The message is the exception that ended the process, wherever its cause's frame is.
      return { exception: last, frame, file };
    }
  }
  return undefined;
}
