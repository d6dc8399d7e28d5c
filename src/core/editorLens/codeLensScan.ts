/** Where a "Run tracked" lens goes, and why there. */
export interface LensAnchor {
  /** Zero-based line. */
  readonly line: number;
  readonly reason: 'main' | 'startRun' | 'import';
}

const mainGuard = /^if\s+(?:__name__\s*==\s*(["'])__main__\1|(["'])__main__\2\s*==\s*__name__)\s*:/;
const startRun = /\b(?:mlflow|runlens)\s*\.\s*start_run\s*\(/;
const trackingImport = /^\s*(?:import\s+(?:[\w.]+(?:\s+as\s+\w+)?\s*,\s*)*(?:mlflow|runlens)\b|from\s+(?:mlflow|runlens)(?:\.[\w.]+)?\s+import\b)/;
const tripleQuote = /"""|'''/;

/**
 * A cheap scan of a Python file's text for the lines that deserve a lens: the `__main__` guard,
 * every `mlflow.start_run(` / `runlens.start_run(` (with or without `with`), and, when there is
 * neither, the first line of a file that imports mlflow or runlens. Regular expressions per line, no
 * parsing and no process: it runs on every edit. Comments and the inside of triple-quoted strings
 * (docstrings) are skipped; other strings are not worth the cost of telling apart.
 */
export function findLensAnchors(text: string): LensAnchor[] {
  const anchors: LensAnchor[] = [];
  let imports = false;
  let openString: string | undefined;
  const lines = text.split(/\r?\n/);
  for (let line = 0; line < lines.length; line++) {
    const source = lines[line];
    if (openString !== undefined) {
      openString = stillOpen(source, openString);
      continue;
    }
    const code = withoutComment(source);
    if (mainGuard.test(code)) anchors.push({ line, reason: 'main' });
    else if (startRun.test(code)) anchors.push({ line, reason: 'startRun' });
    else if (!imports && trackingImport.test(code)) imports = true;
    const opener = tripleQuote.exec(code)?.[0];
    if (opener !== undefined) openString = stillOpen(code.slice(code.indexOf(opener) + 3), opener);
  }
  if (anchors.length === 0 && imports) anchors.push({ line: 0, reason: 'import' });
  return anchors;
}

/** The delimiter if the string it opened is still open at the end of `rest`, else undefined. */
function stillOpen(rest: string, delimiter: string): string | undefined {
  const occurrences = rest.split(delimiter).length - 1;
  return occurrences % 2 === 0 ? delimiter : undefined;
}

function withoutComment(line: string): string {
  const hash = line.indexOf('#');
  return hash < 0 ? line : line.slice(0, hash);
}
