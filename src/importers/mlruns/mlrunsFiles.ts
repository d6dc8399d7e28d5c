import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { KeyValue } from '../../core/entities';
import { mlrunsNames } from '../../core/export/mlrunsLayout';
import type { SkippedItem } from '../stagedImport';
import { parseYaml, type YamlMapping } from './metaYaml';

/** A meta.yaml that is there but cannot be read as one. */
class MalformedFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'MalformedFileError';
  }
}

export async function readMeta(file: string): Promise<YamlMapping> {
  const text = await readFile(file, 'utf8');
  try {
    return parseYaml(text);
  } catch (error) {
    throw new MalformedFileError(file, `malformed YAML, ${(error as Error).message}`);
  }
}

/** Runs `read`; a failure is recorded against `where` and gives undefined, so one bad file never stops the rest. */
export async function guarded<T>(where: string, skipped: SkippedItem[], read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    if (error instanceof MalformedFileError) {
      skipped.push({ path: error.file, reason: error.message });
    } else if (isMissing(error)) {
      skipped.push({ path: where, reason: `missing ${path.basename((error as NodeJS.ErrnoException).path ?? mlrunsNames.meta)}` });
    } else {
      skipped.push({ path: where, reason: (error as Error).message });
    }
    return undefined;
  }
}

export async function subfolders(dir: string): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/**
 * The files under a params/, tags/ or metrics/ folder, as `key` (the path below the folder, with
 * `/` between segments: a key `a/b` is the file `a/b`) and full path. A missing folder has none.
 */
export async function listKeyFiles(dir: string): Promise<{ key: string; file: string }[]> {
  const found: { key: string; file: string }[] = [];
  const walk = async (folder: string, prefix: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(folder, entry.name);
      const key = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) await walk(full, key);
      else if (entry.isFile()) found.push({ key, file: full });
    }
  };
  await walk(dir, '');
  return found;
}

/** Params and tags: one file per key, the whole file is the value (FileStore adds no newline). */
export async function readKeyValueFolder(dir: string): Promise<KeyValue[]> {
  const files = await listKeyFiles(dir);
  return Promise.all(files.map(async ({ key, file }) => ({ key, value: await readFile(file, 'utf8') })));
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
