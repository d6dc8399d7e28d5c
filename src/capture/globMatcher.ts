// A small glob language for `runlens.dataPaths`, matched against workspace-relative POSIX paths:
//   `*` any characters within a path segment, `?` one character, `[abc]` `[a-z]` `[!abc]` one of
//   (or none of) a set, `**` as a whole segment any number of segments (none included), `{a,b}`
//   alternatives (nestable, may span segments). A backslash is taken as a path separator, since
//   Windows users write them. A pattern that names a folder matches every file under it.

const maxAlternatives = 1024;
const magic = /[*?[{]/;

export interface CompiledGlob {
  /** The pattern after brace expansion and normalization. */
  readonly pattern: string;
  readonly regex: RegExp;
  /** The longest leading run of segments without wildcards: the only folder the pattern can match in. */
  readonly base: string;
}

/** Matches paths against a set of globs; see `matches`. */
export class GlobMatcher {
  readonly globs: readonly CompiledGlob[];

  constructor(patterns: readonly string[]) {
    this.globs = patterns.flatMap((pattern) => expandBraces(normalizePattern(pattern))).filter((pattern) => pattern.length > 0).map(compileGlob);
  }

  /** Whether a relative POSIX file path, or one of the folders above it, matches any glob. */
  matches(relativePath: string): boolean {
    const segments = relativePath.split('/');
    for (let end = segments.length; end > 0; end--) {
      const candidate = segments.slice(0, end).join('/');
      if (this.globs.some((glob) => glob.regex.test(candidate))) return true;
    }
    return false;
  }

  /** The folders to walk: each glob's base, without those that lie inside another. `''` is the root. */
  bases(): string[] {
    const unique = [...new Set(this.globs.map((glob) => glob.base))].sort();
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

/** `a{b,c{d,e}}f` → `abf`, `acdf`, `acef`. Unbalanced or comma-free braces stay literal. */
export function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf('{');
  if (open < 0) return [pattern];
  let depth = 0;
  const commas: number[] = [];
  for (let i = open; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '{') depth++;
    else if (char === '}' && --depth === 0) {
      if (commas.length === 0) break;
      const head = pattern.slice(0, open);
      const tails = expandBraces(pattern.slice(i + 1));
      const cuts = [open, ...commas, i];
      const options = cuts.slice(0, -1).flatMap((cut, k) => expandBraces(pattern.slice(cut + 1, cuts[k + 1])));
      return options.flatMap((option) => tails.map((tail) => head + option + tail)).slice(0, maxAlternatives);
    } else if (char === ',' && depth === 1) commas.push(i);
  }
  // No alternatives at this brace: keep it literal and expand what follows it.
  return expandBraces(pattern.slice(open + 1)).map((rest) => pattern.slice(0, open + 1) + rest);
}

function compileGlob(pattern: string): CompiledGlob {
  const segments = pattern.split('/');
  let source = '';
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === '**') source += last ? '.*' : '(?:[^/]*/)*';
    else source += segmentSource(segment) + (last ? '' : '/');
  });
  const firstMagic = segments.findIndex((segment) => magic.test(segment));
  const base = (firstMagic < 0 ? segments : segments.slice(0, firstMagic)).join('/');
  return { pattern, regex: new RegExp(`^${source}$`, 'u'), base };
}

function segmentSource(segment: string): string {
  let source = '';
  for (let i = 0; i < segment.length; i++) {
    const char = segment[i];
    if (char === '*') {
      source += '[^/]*';
      while (segment[i + 1] === '*') i++;
    } else if (char === '?') {
      source += '[^/]';
    } else if (char === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close < 0) {
        source += '\\[';
        continue;
      }
      let body = segment.slice(i + 1, close);
      const negated = body.startsWith('!') || body.startsWith('^');
      if (negated) body = body.slice(1);
      source += `[${negated ? '^/' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = close;
    } else {
      source += char.replace(/[.+^${}()|[\]\\*?]/g, '\\$&');
    }
  }
  return source;
}
