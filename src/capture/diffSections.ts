import { pathOfDiffHeader } from './diffPaths';

export interface DiffSection {
  /** Repository-relative, POSIX; undefined only if the header could not be read. */
  readonly path: string | undefined;
  /** The section's bytes; undefined when it was larger than the limit and was only counted. */
  readonly bytes: Buffer | undefined;
  readonly size: number;
}

const marker = Buffer.from('\ndiff --git ');
const maxHeadBytes = 4096;

interface SectionInProgress {
  head: Buffer;
  parts: Buffer[];
  size: number;
  overflow: boolean;
}

/**
 * Cuts `git diff` output into one section per file as it streams, so that a diff of any size is
 * never held whole: a section larger than `maxSectionBytes` is counted but not kept. A section starts
 * at each line that begins with `diff --git `.
 */
export class DiffSectionSplitter {
  // Bytes not yet assigned to a section: the end of the last chunk, where a marker may begin. It
  // starts with a newline so that a section at the very start of the output is found like any other.
  private pending: Buffer = Buffer.from('\n');
  private current: SectionInProgress | undefined;

  constructor(
    private readonly maxSectionBytes: number,
    private readonly onSection: (section: DiffSection) => void,
  ) {}

  write(chunk: Buffer): void {
    const data = Buffer.concat([this.pending, chunk]);
    let consumed = 0;
    for (let hit = data.indexOf(marker); hit >= 0; hit = data.indexOf(marker, hit + 1)) {
      this.append(data.subarray(consumed, hit + 1));
      this.finishSection();
      this.current = { head: Buffer.alloc(0), parts: [], size: 0, overflow: false };
      consumed = hit + 1;
    }
    const keepFrom = Math.max(consumed, data.length - (marker.length - 1));
    this.append(data.subarray(consumed, keepFrom));
    this.pending = Buffer.from(data.subarray(keepFrom));
  }

  end(): void {
    this.append(this.pending);
    this.pending = Buffer.alloc(0);
    this.finishSection();
  }

  private append(bytes: Buffer): void {
    const section = this.current;
    // Anything before the first header (git prints nothing there) belongs to no file.
    if (!section || bytes.length === 0) return;
    if (section.head.length < maxHeadBytes) {
      section.head = Buffer.concat([section.head, bytes.subarray(0, maxHeadBytes - section.head.length)]);
    }
    section.size += bytes.length;
    if (section.overflow) return;
    if (section.size > this.maxSectionBytes) {
      section.overflow = true;
      section.parts = [];
      return;
    }
    section.parts.push(Buffer.from(bytes));
  }

  private finishSection(): void {
    const section = this.current;
    if (!section) return;
    this.current = undefined;
    const newline = section.head.indexOf(0x0a);
    const header = section.head.subarray(0, newline < 0 ? section.head.length : newline).toString('utf8');
    this.onSection({
      path: pathOfDiffHeader(header),
      bytes: section.overflow ? undefined : Buffer.concat(section.parts),
      size: section.size,
    });
  }
}

/** A section git wrote as "Binary files a/x and b/x differ": it carries no content and cannot be applied. */
export function isBinaryDiffSection(section: Buffer): boolean {
  const text = section.toString('latin1');
  const firstHunk = text.search(/^(@@|--- )/m);
  const headerArea = firstHunk < 0 ? text : text.slice(0, firstHunk);
  return /^Binary files .* differ$/m.test(headerArea);
}
