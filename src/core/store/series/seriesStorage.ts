import { closeSync, constants, fdatasyncSync, fstatSync, ftruncateSync, openSync, rmSync } from 'node:fs';
import { open as openAsync } from 'node:fs/promises';
import path from 'node:path';
import { fsyncDirectory, fsyncDirectoryInBackground, makeStoreDir, openStoreFile, readFully, requireStoreFolder, writeAll } from '../fileSync';

/**
 * Where the metric history files live: a folder of `.runlens/` for a durable store, memory for an
 * in-memory one (tests, remote caches). Names are `<folder>/<file>`, both made by SeriesFiles from
 * safe characters only. Writes land in the files at once but are flushed only by `sync`: the
 * journal holds every write until a checkpoint has flushed them.
 */
export interface SeriesStorage {
  /** Bytes in the file; 0 when it does not exist. */
  size(name: string): number;
  /** Fills `into` from `position`; returns how many bytes the file had there. */
  read(name: string, position: number, into: Buffer): number;
  write(name: string, position: number, bytes: Uint8Array): void;
  truncate(name: string, length: number): void;
  /** Flushes every file written (and every folder created) since the last sync. */
  sync(): void;
  /**
   * Flushes the files written and the folders created so far off the event loop (the thread pool,
   * several at once), so that a following `sync` has only what was written meanwhile left to do.
   * Writes may go on meanwhile. Resolves once everything written before the call is on the disk,
   * including files an earlier call still flushes.
   */
  syncInBackground(): Promise<void>;
  /** Whether anything was written since the last sync. */
  readonly unflushed: boolean;
  /** Removes a folder and its files (a purged run). */
  removeFolder(folder: string): void;
  close(): void;
}

/** Open files kept at once: a sweep logs to many runs, each with its own files. */
const maxOpenFiles = 64;
/** Files flushed at once by `syncInBackground`: few, so that the thread pool keeps room for the journal's flushes (group commit). */
const parallelFlushes = 2;

export class FolderStorage implements SeriesStorage {
  private readonly open = new Map<string, number>();
  /** Files written since they were last flushed, open or not: closing a file does not flush it. */
  private readonly dirty = new Set<string>();
  private readonly newFolders = new Set<string>();
  private readonly knownFolders = new Set<string>();
  /** The `syncInBackground` flushes running. */
  private readonly flushesRunning = new Set<Promise<void>>();

  constructor(private readonly root: string) {}

  size(name: string): number {
    const fd = this.fd(name, false);
    return fd === undefined ? 0 : fstatSync(fd).size;
  }

  read(name: string, position: number, into: Buffer): number {
    const fd = this.fd(name, false);
    return fd === undefined ? 0 : readFully(fd, into, position);
  }

  write(name: string, position: number, bytes: Uint8Array): void {
    const fd = this.fd(name, true) as number;
    writeAll(fd, bytes, position);
    this.dirty.add(name);
  }

  truncate(name: string, length: number): void {
    const fd = this.fd(name, false);
    if (fd === undefined) return;
    ftruncateSync(fd, length);
    this.dirty.add(name);
  }

  sync(): void {
    for (const name of [...this.dirty]) {
      const fd = this.open.get(name);
      if (fd !== undefined) fdatasyncSync(fd);
      else flushClosedFile(path.join(this.root, name));
      this.dirty.delete(name);
    }
    for (const folder of this.newFolders) fsyncDirectory(path.dirname(path.join(this.root, folder)));
    for (const folder of this.newFolders) fsyncDirectory(path.join(this.root, folder));
    this.newFolders.clear();
  }

  get unflushed(): boolean {
    return this.dirty.size > 0 || this.newFolders.size > 0;
  }

  async syncInBackground(): Promise<void> {
    // Their files left `dirty` as they began: this call's snapshot would not see them.
    const earlier = [...this.flushesRunning];
    const mine = this.flushInBackground();
    this.flushesRunning.add(mine);
    try {
      await Promise.all([mine, ...earlier]);
    } finally {
      this.flushesRunning.delete(mine);
    }
  }

  /** Flushes the files and folders `dirty` and `newFolders` hold now (both read before the first await). */
  private async flushInBackground(): Promise<void> {
    const names = [...this.dirty];
    const folders = [...this.newFolders];
    let next = 0;
    const flushNext = async (): Promise<void> => {
      while (next < names.length) {
        const name = names[next++];
        // A write while this flush runs may not be in it: only a file not written since stays clean.
        this.dirty.delete(name);
        try {
          await flushFileAsync(path.join(this.root, name));
        } catch (error) {
          this.dirty.add(name);
          throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallelFlushes, names.length) }, flushNext));
    for (const folder of folders) {
      this.newFolders.delete(folder);
      try {
        await fsyncDirectoryInBackground(path.dirname(path.join(this.root, folder)));
        await fsyncDirectoryInBackground(path.join(this.root, folder));
      } catch (error) {
        this.newFolders.add(folder);
        throw error;
      }
    }
  }

  removeFolder(folder: string): void {
    for (const [name, fd] of this.open) {
      if (name.startsWith(`${folder}/`)) {
        closeSync(fd);
        this.open.delete(name);
      }
    }
    for (const name of this.dirty) if (name.startsWith(`${folder}/`)) this.dirty.delete(name);
    this.knownFolders.delete(folder);
    this.newFolders.delete(folder);
    rmSync(path.join(this.root, folder), { recursive: true, force: true });
  }

  close(): void {
    for (const fd of this.open.values()) closeSync(fd);
    this.open.clear();
  }

  private fd(name: string, create: boolean): number | undefined {
    const cached = this.open.get(name);
    if (cached !== undefined) {
      // Most recently used last, so the first entry is the one to close.
      this.open.delete(name);
      this.open.set(name, cached);
      return cached;
    }
    const file = path.join(this.root, name);
    if (create) this.ensureFolder(name.slice(0, name.indexOf('/')));
    let fd: number;
    try {
      // Only a write creates a file (through the store's helper); a read of a missing file finds nothing.
      fd = create ? openStoreFile(file, constants.O_RDWR | constants.O_CREAT) : openSync(file, 'r+');
    } catch (error) {
      if (!create && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    if (this.open.size >= maxOpenFiles) this.closeOldest();
    this.open.set(name, fd);
    return fd;
  }

  /** Closes the least recently used file. Not flushed: `sync` reopens it if it was written (a flush per eviction made a write to many runs wait for the disk many times). */
  private closeOldest(): void {
    const [name, fd] = this.open.entries().next().value as [string, number];
    closeSync(fd);
    this.open.delete(name);
  }

  private ensureFolder(folder: string): void {
    if (this.knownFolders.has(folder)) return;
    requireStoreFolder(this.root);
    makeStoreDir(path.join(this.root, folder));
    this.knownFolders.add(folder);
    this.newFolders.add(folder);
  }
}

/** Flushes a file that is no longer open: any descriptor of a file flushes its data. A file removed since (a purge) needs none. */
function flushClosedFile(file: string): void {
  let fd: number;
  try {
    fd = openSync(file, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

async function flushFileAsync(file: string): Promise<void> {
  let handle;
  try {
    handle = await openAsync(file, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/** The files of an in-memory store. */
export class MemoryStorage implements SeriesStorage {
  private readonly files = new Map<string, { bytes: Buffer; length: number }>();

  size(name: string): number {
    return this.files.get(name)?.length ?? 0;
  }

  read(name: string, position: number, into: Buffer): number {
    const file = this.files.get(name);
    if (!file || position >= file.length) return 0;
    return file.bytes.copy(into, 0, position, Math.min(file.length, position + into.length));
  }

  write(name: string, position: number, bytes: Uint8Array): void {
    let file = this.files.get(name);
    if (!file) {
      file = { bytes: Buffer.alloc(Math.max(4096, bytes.length)), length: 0 };
      this.files.set(name, file);
    }
    const end = position + bytes.length;
    if (end > file.bytes.length) {
      const grown = Buffer.alloc(Math.max(end, file.bytes.length * 2));
      file.bytes.copy(grown, 0, 0, file.length);
      file.bytes = grown;
    }
    if (position > file.length) file.bytes.fill(0, file.length, position);
    file.bytes.set(bytes, position);
    file.length = Math.max(file.length, end);
  }

  truncate(name: string, length: number): void {
    const file = this.files.get(name);
    if (file && length < file.length) file.length = length;
  }

  sync(): void {
    // Memory is as durable as it gets.
  }

  syncInBackground(): Promise<void> {
    return Promise.resolve();
  }

  readonly unflushed = false;

  removeFolder(folder: string): void {
    for (const name of [...this.files.keys()]) if (name.startsWith(`${folder}/`)) this.files.delete(name);
  }

  close(): void {
    this.files.clear();
  }
}
