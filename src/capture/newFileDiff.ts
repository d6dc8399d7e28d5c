import { isUtf8 } from 'node:buffer';
import { needsQuoting, quotedName } from './diffPaths';

export type GitFileMode = '100644' | '100755' | '120000';

// git's own rule: a NUL byte in the first 8000 bytes makes a file binary.
const binarySniffBytes = 8000;

/**
 * How a file can go into the patch: as text, or not at all because git would call it binary, or
 * because it is not UTF-8 (the patch is kept as a string, and another encoding would not survive).
 */
export function contentKind(content: Buffer): 'text' | 'binary' | 'notUtf8' {
  if (content.subarray(0, binarySniffBytes).includes(0)) return 'binary';
  return isUtf8(content) ? 'text' : 'notUtf8';
}

/** `--- ` / `+++ ` names: git ends a bare name that has a space with a tab, so that patch(1) reads it whole. */
function fileLineName(name: string): string {
  return !needsQuoting(name) && name.includes(' ') ? `${name}\t` : quotedName(name);
}

/**
 * The section `git diff` would print for a new file, so that untracked files travel in the same
 * patch as tracked changes and `git apply` recreates them. `content` must be text by `contentKind` (for a
 * symbolic link: its target).
 */
export function newFileDiff(path: string, content: Buffer, mode: GitFileMode): string {
  const header = `diff --git ${quotedName(`a/${path}`)} ${quotedName(`b/${path}`)}\nnew file mode ${mode}\n`;
  if (content.length === 0) return header;
  const text = content.toString('utf8');
  const endsWithNewline = text.endsWith('\n');
  const lines = (endsWithNewline ? text.slice(0, -1) : text).split('\n');
  const range = lines.length === 1 ? '+1' : `+1,${lines.length}`;
  const body = lines.map((line) => `+${line}\n`).join('');
  const noNewline = endsWithNewline ? '' : '\\ No newline at end of file\n';
  return `${header}--- /dev/null\n+++ ${fileLineName(`b/${path}`)}\n@@ -0,0 ${range} @@\n${body}${noNewline}`;
}
