import { closeSync, constants, fsyncSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';

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

/** Creates or replaces `file` with `bytes` and flushes it to the disk before returning. */
export function writeFileDurably(file: string, bytes: Uint8Array, mode?: number): void {
  const fd = openSync(file, 'w', mode);
  try {
    writeAll(fd, bytes, 0);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens (creating it if need be) a store file for reading and writing at any position: the
 * metric history files. Every file the store creates goes through this module, so that the
 * rules for store files (their mode) live in one place.
 */
export function openStoreFile(file: string): number {
  return openSync(file, constants.O_RDWR | constants.O_CREAT);
}

/** Creates a folder of the store (and its parents) if it does not exist yet. */
export function makeStoreFolder(dir: string): void {
  mkdirSync(dir, { recursive: true });
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
