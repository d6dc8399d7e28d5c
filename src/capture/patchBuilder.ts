/** Why a changed file is not in the patch. */
export type LeftOutReason =
  /** It would not fit under the cap. */
  | 'capped'
  /** Binary content: listed, never inlined. */
  | 'binary'
  /** Text in an encoding other than UTF-8, which a string patch cannot carry intact. */
  | 'notUtf8'
  /** An untracked folder git does not descend into (a nested repository). */
  | 'folder'
  | 'unreadable';

export interface LeftOutFile {
  /** Repository-relative, POSIX. */
  readonly path: string;
  readonly reason: LeftOutReason;
}

export interface BuiltPatch {
  /** Sections that fit, then a `# RunLens:` note line per kind of file left out. Empty when clean. */
  readonly patch: string;
  /** Bytes of `patch` (UTF-8). */
  readonly patchBytes: number;
  readonly capped: boolean;
  /** What the patch would weigh without the cap (binary and unreadable files are in no patch). */
  readonly fullPatchBytes: number;
  /** False when some left-out file was counted by its size alone, so `fullPatchBytes` is a lower bound. */
  readonly fullPatchBytesExact: boolean;
  readonly leftOut: readonly LeftOutFile[];
}

const namesShown = 5;
const notePrefix = '# RunLens: ';

const noteTitles: Record<Exclude<LeftOutReason, 'capped'>, string> = {
  binary: 'binary files not inlined',
  notUtf8: 'files not in UTF-8, not inlined',
  folder: 'untracked folders not inlined',
  unreadable: 'files that could not be read',
};

/**
 * Assembles a patch under a byte cap from per-file sections, in the order they are offered. A file
 * that does not fit is left out whole (a cut section would make the patch unusable), so the patch
 * always applies for the files it holds, and it ends with notes that say what is missing. git
 * apply ignores those `#` lines.
 */
export class PatchBuilder {
  private readonly sections: { path: string; text: string; bytes: number }[] = [];
  private readonly leftOut: LeftOutFile[] = [];
  private keptBytes = 0;
  private fullBytes = 0;
  private fullBytesExact = true;

  constructor(readonly maxBytes: number) {}

  /** Bytes still free under the cap. */
  get remaining(): number {
    return Math.max(0, this.maxBytes - this.keptBytes);
  }

  /** Keeps the section when it fits; otherwise leaves the file out as capped. */
  offer(path: string, text: string): void {
    const bytes = Buffer.byteLength(text, 'utf8');
    this.fullBytes += bytes;
    if (bytes <= this.remaining) {
      this.sections.push({ path, text, bytes });
      this.keptBytes += bytes;
    } else {
      this.leftOut.push({ path, reason: 'capped' });
    }
  }

  /** A section too large to build or keep: counted at `bytes` (a lower bound unless `exact`). */
  tooLarge(path: string, bytes: number, exact: boolean): void {
    this.fullBytes += bytes;
    this.fullBytesExact &&= exact;
    this.leftOut.push({ path, reason: 'capped' });
  }

  leaveOut(path: string, reason: Exclude<LeftOutReason, 'capped'>): void {
    this.leftOut.push({ path, reason });
  }

  build(): BuiltPatch {
    let patch = this.assemble();
    // The notes count against the cap too: drop the last sections until everything fits.
    while (this.sections.length > 0 && Buffer.byteLength(patch, 'utf8') > this.maxBytes) {
      const dropped = this.sections.pop() as { path: string; bytes: number };
      this.keptBytes -= dropped.bytes;
      this.leftOut.push({ path: dropped.path, reason: 'capped' });
      patch = this.assemble();
    }
    return {
      patch,
      patchBytes: Buffer.byteLength(patch, 'utf8'),
      capped: this.leftOut.some((file) => file.reason === 'capped'),
      fullPatchBytes: this.fullBytes,
      fullPatchBytesExact: this.fullBytesExact,
      leftOut: [...this.leftOut],
    };
  }

  private assemble(): string {
    const body = this.sections.map((section) => section.text).join('');
    const notes = this.notes();
    // Notes go on lines of their own, even after a section that does not end its last line.
    return body && notes && !body.endsWith('\n') ? `${body}\n${notes}` : body + notes;
  }

  private notes(): string {
    const lines: string[] = [];
    const capped = this.pathsLeftOut('capped');
    if (capped.length > 0) {
      const full = `${this.fullBytesExact ? '' : 'at least '}${this.fullBytes} bytes`;
      lines.push(`patch capped at ${this.maxBytes} bytes; the full patch is ${full}; left out: ${listed(capped)}`);
    }
    for (const [reason, title] of Object.entries(noteTitles)) {
      const paths = this.pathsLeftOut(reason as LeftOutReason);
      if (paths.length > 0) lines.push(`${title}: ${listed(paths)}`);
    }
    return lines.map((line) => `${notePrefix}${line.replace(/[\r\n]/g, ' ')}\n`).join('');
  }

  private pathsLeftOut(reason: LeftOutReason): string[] {
    return this.leftOut.filter((file) => file.reason === reason).map((file) => file.path);
  }
}

function listed(paths: readonly string[]): string {
  const shown = paths.slice(0, namesShown).join(', ');
  return paths.length > namesShown ? `${shown} (+${paths.length - namesShown} more)` : shown;
}
