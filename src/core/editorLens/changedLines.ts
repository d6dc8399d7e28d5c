/** Beyond this many cells of the comparison table, lines are compared by position instead. */
const maxCells = 4_000_000;

/**
 * The zero-based lines of `current` that are not in `base`: added or changed since. A longest common
 * subsequence of lines, after the common head and tail are set aside (most edits are local, so
 * the table stays small). Two very different large files are compared line by line at the same
 * position instead, which over-reports but never stalls the editor.
 */
export function changedLines(base: string, current: string): number[] {
  const a = base.split(/\r?\n/);
  const b = current.split(/\r?\n/);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const from = a.slice(head, a.length - tail);
  const to = b.slice(head, b.length - tail);
  if (to.length === 0) return [];
  if (from.length === 0) return to.map((_, i) => head + i);
  if (from.length * to.length > maxCells) return to.flatMap((line, i) => (line === from[i] ? [] : [head + i]));
  return unmatched(from, to).map((i) => head + i);
}

/** Indexes of `to` outside one longest common subsequence with `from`. */
function unmatched(from: readonly string[], to: readonly string[]): number[] {
  const n = from.length;
  const m = to.length;
  // lengths[i * (m + 1) + j]: the LCS length of from[i..] and to[j..].
  const lengths = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i * (m + 1) + j] =
        from[i] === to[j] ? lengths[(i + 1) * (m + 1) + j + 1] + 1 : Math.max(lengths[(i + 1) * (m + 1) + j], lengths[i * (m + 1) + j + 1]);
    }
  }
  const changed: number[] = [];
  let i = 0;
  let j = 0;
  while (j < m) {
    if (i < n && from[i] === to[j]) {
      i++;
      j++;
    } else if (i < n && lengths[(i + 1) * (m + 1) + j] >= lengths[i * (m + 1) + j + 1]) {
      i++;
    } else {
      changed.push(j++);
    }
  }
  return changed;
}
