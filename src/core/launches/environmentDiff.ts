/**
 * What differs between the environment a run had and the one here now: installed packages (the
 * run's `runlens/requirements.txt` against a listing of the interpreter now), the Python version,
 * and the data files it fingerprinted. Plain data in, plain data out; the caller gathers both sides.
 */

/** One side of the comparison; absent fields were not recorded (then) or could not be read (now). */
export interface EnvironmentSide {
  /** A `pip freeze` listing. */
  readonly requirements?: string;
  readonly pythonVersion?: string;
  /** Data files by path, with their SHA-256; `undefined` now means the file is gone. */
  readonly data?: readonly { readonly path: string; readonly sha256: string | undefined }[];
}

export interface PackageChange {
  readonly name: string;
  /** The version (or pin, for a package installed from a URL) then; absent for an added package. */
  readonly then?: string;
  readonly now?: string;
}

export interface EnvironmentDiff {
  readonly packages?: { readonly added: PackageChange[]; readonly removed: PackageChange[]; readonly changed: PackageChange[] };
  readonly python?: { readonly then: string; readonly now: string };
  readonly data: { readonly changed: string[]; readonly missing: string[] };
}

/** The differences; `packages` only when both listings are known, `python` only when the versions differ. */
export function environmentDiff(then: EnvironmentSide, now: EnvironmentSide): EnvironmentDiff {
  const packages = then.requirements !== undefined && now.requirements !== undefined ? packageDiff(parseRequirements(then.requirements), parseRequirements(now.requirements)) : undefined;
  const python = then.pythonVersion && now.pythonVersion && then.pythonVersion !== now.pythonVersion ? { then: then.pythonVersion, now: now.pythonVersion } : undefined;
  const nowData = new Map((now.data ?? []).map((file) => [file.path, file.sha256]));
  const changed: string[] = [];
  const missing: string[] = [];
  for (const file of then.data ?? []) {
    const hash = nowData.get(file.path);
    if (hash === undefined) missing.push(file.path);
    else if (hash !== file.sha256) changed.push(file.path);
  }
  return { packages, python, data: { changed, missing } };
}

export function isSameEnvironment(diff: EnvironmentDiff): boolean {
  const packages = diff.packages;
  const packageCount = packages ? packages.added.length + packages.removed.length + packages.changed.length : 0;
  return packageCount === 0 && !diff.python && diff.data.changed.length === 0 && diff.data.missing.length === 0;
}

/** The differences in words, one line each, for a dialog; `shown` names at most that many packages per kind. */
export function describeEnvironmentDiff(diff: EnvironmentDiff, shown = 8): string[] {
  const lines: string[] = [];
  if (diff.python) lines.push(`Python ${diff.python.then} then, ${diff.python.now} now`);
  if (diff.packages) {
    const { added, removed, changed } = diff.packages;
    if (changed.length > 0) lines.push(`Changed packages: ${listed(changed.map((p) => `${p.name} ${p.then} → ${p.now}`), shown)}`);
    if (removed.length > 0) lines.push(`Packages the run had that are missing now: ${listed(removed.map((p) => `${p.name} ${p.then}`), shown)}`);
    if (added.length > 0) lines.push(`Packages installed since: ${listed(added.map((p) => `${p.name} ${p.now}`), shown)}`);
  }
  if (diff.data.changed.length > 0) lines.push(`Data changed since the run: ${listed(diff.data.changed, shown)}`);
  if (diff.data.missing.length > 0) lines.push(`Data missing now: ${listed(diff.data.missing, shown)}`);
  return lines;
}

/**
 * A `pip freeze` listing as package name (normalised as PEP 503 does: case and `-_.` runs do not
 * matter) to version: `name==1.2` gives `1.2`; `name @ url` and `-e url#egg=name` give the URL.
 * Comments, blank lines and options are skipped.
 */
export function parseRequirements(text: string): Map<string, string> {
  const packages = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const editable = /^(?:-e|--editable)\s+(\S+)/.exec(line);
    if (editable) {
      const egg = /[#&]egg=([^&\s]+)/.exec(editable[1]);
      if (egg) packages.set(normalizedName(egg[1]), editable[1]);
      continue;
    }
    if (line.startsWith('-')) continue;
    const direct = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*@\s*(\S+)/.exec(line);
    if (direct) {
      packages.set(normalizedName(direct[1]), direct[2]);
      continue;
    }
    const pinned = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*(?:===?\s*([^\s;]+)|(.*))/.exec(line);
    if (pinned) packages.set(normalizedName(pinned[1]), (pinned[2] ?? pinned[3] ?? '').trim());
  }
  return packages;
}

function packageDiff(then: Map<string, string>, now: Map<string, string>): NonNullable<EnvironmentDiff['packages']> {
  const added: PackageChange[] = [];
  const removed: PackageChange[] = [];
  const changed: PackageChange[] = [];
  for (const [name, version] of then) {
    const current = now.get(name);
    if (current === undefined) removed.push({ name, then: version });
    else if (current !== version) changed.push({ name, then: version, now: current });
  }
  for (const [name, version] of now) if (!then.has(name)) added.push({ name, now: version });
  const byName = (a: PackageChange, b: PackageChange): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return { added: added.sort(byName), removed: removed.sort(byName), changed: changed.sort(byName) };
}

function normalizedName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

function listed(items: readonly string[], shown: number): string {
  return items.length <= shown ? items.join(', ') : `${items.slice(0, shown).join(', ')} and ${items.length - shown} more`;
}
