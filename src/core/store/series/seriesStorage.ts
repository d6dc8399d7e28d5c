import { closeSync, constants, fdatasyncSync, fstatSync, ftruncateSync, openSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fsyncDirectory, makeStoreDir, openStoreFile, readFully, writeAll } from '../fileSync';

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
  /** Removes a folder and its files (a purged run). */
  removeFolder(folder: string): void;
  close(): void;
}

/** Open files kept at once: a sweep logs to many runs, each with its own files. */
const maxOpenFiles = 64;

export class FolderStorage implements SeriesStorage {
  private readonly open = new Map<string, number>();
  private readonly dirty = new Set<string>();
  private readonly newFolders = new Set<string>();
  private readonly knownFolders = new Set<string>();

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
    for (const name of this.dirty) {
      // A file closed since its write was flushed when it was closed.
      const fd = this.open.get(name);
      if (fd !== undefined) fdatasyncSync(fd);
    }
    this.dirty.clear();
    for (const folder of this.newFolders) fsyncDirectory(path.dirname(path.join(this.root, folder)));
    for (const folder of this.newFolders) fsyncDirectory(path.join(this.root, folder));
    this.newFolders.clear();
  }

  removeFolder(folder: string): void {
    for (const [name, fd] of this.open) {
      if (name.startsWith(`${folder}/`)) {
        closeSync(fd);
        this.open.delete(name);
        this.dirty.delete(name);
      }
    }
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

  private closeOldest(): void {
    const [name, fd] = this.open.entries().next().value as [string, number];
    if (this.dirty.has(name)) fdatasyncSync(fd);
    this.dirty.delete(name);
    closeSync(fd);
    this.open.delete(name);
  }

  private ensureFolder(folder: string): void {
    if (this.knownFolders.has(folder)) return;
    makeStoreDir(path.join(this.root, folder));
    this.knownFolders.add(folder);
    this.newFolders.add(folder);
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

  removeFolder(folder: string): void {
    for (const name of [...this.files.keys()]) if (name.startsWith(`${folder}/`)) this.files.delete(name);
  }

  close(): void {
    this.files.clear();
  }
}
