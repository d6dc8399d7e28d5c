import {
  chmodSync,
  closeSync,
  existsSync,
  fchmod,
  fchmodSync,
  fsyncSync,
  mkdirSync,
  open as openCallback,
  openSync,
  read,
  readdirSync,
  readSync,
  statSync,
  write,
  writeSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

/** `fs.open` in the thread pool, resolving to the descriptor. */
export const openInPool = promisify(openCallback);
const fchmodInPool = promisify(fchmod);
const readInPool = promisify(read);
const writeInPool = promisify(write);

/**
 * Everything under `.runlens/` is the user's private data (runs, artifacts, the server's token):
 * folders 0700 and files 0600, so other local users read none of it. Every file and folder of the
 * store is made through the helpers below, which apply these modes (POSIX only; Windows ignores them).
 */
export const storeDirMode = 0o700;
export const storeFileMode = 0o600;

/** Opens a file of the store, creating it private; one an older RunLens left readable is made private too. */
export function openStoreFile(file: string, flags: string | number): number {
  const fd = openSync(file, flags, storeFileMode);
  if (process.platform !== 'win32') {
    try {
      fchmodSync(fd, storeFileMode);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }
  return fd;
}

/** `openStoreFile` in the thread pool. */
export async function openStoreFileInBackground(file: string, flags: string | number): Promise<number> {
  const fd = await openInPool(file, flags, storeFileMode);
  if (process.platform !== 'win32') {
    try {
      await fchmodInPool(fd, storeFileMode);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }
  return fd;
}

/**
 * Makes a folder of the store, private. One that an older RunLens left readable to others is made
 * private once, with the files directly in it (the database image and the journal).
 */
/**
 * Throws when the store's own folder (the parent of `storeSubfolder`, e.g. `.runlens/` of
 * `.runlens/artifacts`) is gone: a write after a person deleted `.runlens/` must not bring back a
 * partial store by making its folders again. The window closes such a store within seconds.
 */
export function requireStoreFolder(storeSubfolder: string): void {
  if (!existsSync(path.dirname(storeSubfolder))) throw new Error(`the store's folder ${path.dirname(storeSubfolder)} was deleted`);
}

export function makeStoreDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: storeDirMode });
  if (process.platform === 'win32' || (statSync(dir).mode & 0o777) === storeDirMode) return;
  chmodSync(dir, storeDirMode);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile()) chmodSync(path.join(dir, entry.name), storeFileMode);
  }
}

/** Writes all of `bytes` at `position`: one writeSync may write less than asked. */
export function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.length) {
    done += writeSync(fd, bytes, done, bytes.length - done, position + done);
  }
}

/** Fills `into` from `position`; returns how many bytes the file had there. */
export function readFully(fd: number, into: Uint8Array, position: number): number {
  let done = 0;
  while (done < into.length) {
    const read = readSync(fd, into, done, into.length - done, position + done);
    if (read === 0) break;
    done += read;
  }
  return done;
}

/**
 * Copies bytes `from..to` of one open file into another, `shift` bytes earlier, through `block` a
 * piece at a time, every read and write in the thread pool. Returns where the copy ended: before
 * `to` when the source ends first.
 */
export async function copyRangeInBackground(source: number, target: number, from: number, to: number, shift: number, block: Buffer): Promise<number> {
  let position = from;
  while (position < to) {
    const { bytesRead } = await readInPool(source, block, 0, Math.min(block.length, to - position), position);
    if (bytesRead === 0) break;
    for (let done = 0; done < bytesRead; ) {
      const { bytesWritten } = await writeInPool(target, block, done, bytesRead - done, position - shift + done);
      done += bytesWritten;
    }
    position += bytesRead;
  }
  return position;
}

/** Creates or replaces `file` with `bytes` and flushes it to the disk before returning. */
export function writeFileDurably(file: string, bytes: Uint8Array): void {
  const fd = openStoreFile(file, 'w');
  try {
    writeAll(fd, bytes, 0);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** `writeFileDurably` in the thread pool: the event loop only starts the write and the flush. */
export async function writeFileDurablyInBackground(file: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(file, 'w', storeFileMode);
  try {
    if (process.platform !== 'win32') await handle.chmod(storeFileMode);
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** `fsyncDirectory` in the thread pool. */
export async function fsyncDirectoryInBackground(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Makes a rename, creation or removal in `dir` durable. Windows cannot open a folder to flush it;
 * NTFS journals renames itself.
 */
export function fsyncDirectory(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
