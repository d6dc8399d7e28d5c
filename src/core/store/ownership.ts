import { createHash, randomBytes } from 'node:crypto';
import { closeSync, linkSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStoreFile, storeFileMode } from './fileSync';
import { storeFiles } from './storeFiles';

/** `owner.json`: the process that owns a `.runlens/` folder, and how to reach its server. */
export interface OwnerInfo {
  readonly pid: number;
  readonly hostname: string;
  /** Milliseconds since the epoch. */
  readonly startedAt: number;
  /** Identifies this claim, so that release and publish touch only their own. */
  readonly claim: string;
  /** The owner's tracking server, once it publishes it: talk to it instead of opening the database. */
  readonly port?: number;
  readonly token?: string;
  /** The RunLens version of the owner (the extension's, or the `runlens` CLI's), once it publishes its server. */
  readonly version?: string;
  /**
   * Set by a server that stops by itself after this many idle minutes (`runlens serve --idle-minutes`,
   * as a window starts it on demand): one a window may restart, unlike a server a person runs.
   */
  readonly idleMinutes?: number;
}

/** What an owner publishes once its server listens. */
export type PublishedServer = Pick<OwnerInfo, 'version' | 'idleMinutes'> & { readonly port: number; readonly token: string };

export type AcquireResult =
  | { readonly kind: 'acquired'; readonly ownership: Ownership; readonly tookOverFrom?: OwnerInfo }
  | { readonly kind: 'owned'; readonly owner: OwnerInfo };

/** Claims this process holds, so a second claim in the same process is refused like any other. */
const heldClaims = new Set<string>();

/** A takeover lock older than this belongs to a process that died while taking over. */
const abandonedTakeoverMs = 10_000;

/**
 * One writer per `.runlens/` folder. The claim is `owner.json`, created with exclusive semantics
 * (a complete temporary file hard-linked into place, which fails if the name exists) so that of
 * two processes starting together exactly one wins, and no reader ever sees half a file. A claim
 * whose pid is dead is taken over. The file holds the server's token: mode 0600.
 */
export class Ownership {
  private constructor(
    private readonly file: string,
    private current: OwnerInfo,
  ) {}

  /**
   * `staleClaim`: a claim the caller found to be no RunLens at all (its pid alive but reused by an
   * unrelated process, as its server did not answer): taken over like a dead one, if still there.
   */
  static acquire(dir: string, staleClaim?: string): AcquireResult {
    const file = path.join(dir, storeFiles.owner);
    for (let attempt = 0; attempt < 50; attempt++) {
      const mine = newClaim();
      if (createExclusively(file, mine)) return Ownership.held(file, mine);
      const found = readClaim(file);
      if (found === undefined) continue; // released meanwhile: try again
      if (found.owner && found.owner.claim !== staleClaim && isAlive(found.owner)) return { kind: 'owned', owner: found.owner };
      if (takeOver(file, found.raw, mine)) return Ownership.held(file, mine, found.owner);
      sleep(20); // another process is taking over the same stale claim
    }
    throw new Error(`Could not claim ${file}: it keeps changing. Is another RunLens starting on this folder?`);
  }

  private static held(file: string, mine: OwnerInfo, tookOverFrom?: OwnerInfo): AcquireResult {
    heldClaims.add(mine.claim);
    return { kind: 'acquired', ownership: new Ownership(file, mine), tookOverFrom };
  }

  get owner(): OwnerInfo {
    return this.current;
  }

  /** Records the owner's tracking server so that other processes can reach it. */
  publish(server: PublishedServer): void {
    this.assertStillOurs();
    const next: OwnerInfo = { ...this.current, ...server };
    replaceWith(this.file, next);
    this.current = next;
  }

  /** Gives the store up; removes `owner.json` only if the claim in it is still ours. */
  release(): void {
    if (!heldClaims.delete(this.current.claim)) return;
    const found = readClaim(this.file);
    if (found?.owner?.claim === this.current.claim) unlinkSync(this.file);
  }

  private assertStillOurs(): void {
    const found = readClaim(this.file);
    if (!heldClaims.has(this.current.claim) || found?.owner?.claim !== this.current.claim) {
      throw new Error(`${this.file} no longer names this process: the store was released or taken over`);
    }
  }
}

/** Reads `owner.json` of `dir`: who owns the store and, once published, its server. */
export function readOwner(dir: string): OwnerInfo | undefined {
  return readClaim(path.join(dir, storeFiles.owner))?.owner;
}

function newClaim(): OwnerInfo {
  return {
    pid: process.pid,
    hostname: os.hostname(),
    startedAt: Date.now(),
    claim: randomBytes(12).toString('hex'),
  };
}

function createExclusively(file: string, claim: OwnerInfo): boolean {
  const temp = writeTemp(file, claim);
  try {
    linkSync(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temp);
  }
}

/**
 * Replaces the stale claim whose file content was `staleRaw`. A lock file named after that
 * content makes the takeover exclusive: of several processes that found the same stale claim, one
 * replaces it; the rest see the new owner when they look again. Nothing can change owner.json
 * between the check and the rename below except another holder of this lock.
 */
function takeOver(file: string, staleRaw: string, mine: OwnerInfo): boolean {
  const lock = `${file}.takeover-${createHash('sha256').update(staleRaw).digest('hex').slice(0, 16)}`;
  let fd: number;
  try {
    fd = openStoreFile(lock, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    removeIfAbandoned(lock);
    return false;
  }
  try {
    if (readClaim(file)?.raw !== staleRaw) return false;
    replaceWith(file, mine);
    return true;
  } finally {
    closeSync(fd);
    unlinkSync(lock);
  }
}

function removeIfAbandoned(lock: string): void {
  try {
    if (Date.now() - statSync(lock).mtimeMs > abandonedTakeoverMs) unlinkSync(lock);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** The claim in `file`: its raw text, and the owner unless the text is not a claim at all. */
function readClaim(file: string): { raw: string; owner?: OwnerInfo } | undefined {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return { raw, owner: parseOwner(raw) };
}

function parseOwner(raw: string): OwnerInfo | undefined {
  try {
    const value = JSON.parse(raw) as Partial<OwnerInfo>;
    if (!Number.isSafeInteger(value.pid) || typeof value.claim !== 'string' || typeof value.hostname !== 'string') {
      return undefined;
    }
    return value as OwnerInfo;
  } catch {
    return undefined;
  }
}

/**
 * Whether the claim's process still runs. A pid on another host cannot be checked, so that claim
 * stands; our own pid counts only for a claim this process holds (otherwise it is a dead process
 * whose pid was reused for us).
 */
function isAlive(owner: OwnerInfo): boolean {
  if (owner.hostname !== os.hostname()) return true;
  if (owner.pid === process.pid) return heldClaims.has(owner.claim);
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function replaceWith(file: string, owner: OwnerInfo): void {
  const temp = writeTemp(file, owner);
  try {
    renameSync(temp, file);
  } catch (error) {
    unlinkSync(temp);
    throw error;
  }
}

function writeTemp(file: string, owner: OwnerInfo): string {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temp, `${JSON.stringify(owner, undefined, 2)}\n`, { mode: storeFileMode, flag: 'wx' });
  return temp;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
