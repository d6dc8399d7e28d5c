// The globs of `runlens.dataPaths`, matched by picomatch against workspace-relative POSIX paths:
// `*`, `?`, `[abc]`, `[!abc]`, `**` and `{a,b}` as in a shell. A backslash is taken as a path
// separator, since Windows users write them. A pattern that names a folder matches every file under it.
import picomatch from 'picomatch';

/** Dotfiles match like any file; `[!abc]` negates as in a shell (picomatch's `posix` brackets); no extglobs. */
const globOptions: picomatch.PicomatchOptions = { dot: true, posix: true, noextglob: true };

/** Matches paths against a set of globs; see `matches`. */
export class GlobMatcher {
  private readonly patterns: readonly string[];
  private readonly isMatch: (path: string) => boolean;

  constructor(patterns: readonly string[]) {
    this.patterns = patterns.map(normalizePattern).filter((pattern) => pattern.length > 0);
    this.isMatch = this.patterns.length === 0 ? () => false : picomatch([...this.patterns], globOptions);
  }

  /** Whether a relative POSIX file path, or one of the folders above it, matches any glob. */
  matches(relativePath: string): boolean {
    const segments = relativePath.split('/');
    for (let end = segments.length; end > 0; end--) {
      if (this.isMatch(segments.slice(0, end).join('/'))) return true;
    }
    return false;
  }

  /** The folders to walk: each glob's fixed leading part, without those that lie inside another. `''` is the root. */
  bases(): string[] {
    const unique = [...new Set(this.patterns.map((pattern) => picomatch.scan(pattern).base))].sort();
    return unique.filter((base) => !unique.some((other) => other !== base && (other === '' || base.startsWith(`${other}/`))));
  }
}

function normalizePattern(pattern: string): string {
  return pattern
    .trim()
    .replace(/\\/g, '/')
    .replace(/\/{2,}/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/\/$/, '');
}
