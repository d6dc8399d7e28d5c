import { existsSync } from 'node:fs';
import path from 'node:path';
import type { OwnerInfo } from '../core/store/ownership';
import { StoreOwnedElsewhereError, WorkspaceStore } from '../core/store/workspaceStore';

/**
 * Opens the `.runlens/` store of a workspace for a command that works on it directly (import,
 * export, push). A store another process owns (a VS Code window, `runlens serve`) is not opened:
 * the message says which process, and what to do instead.
 */
export async function openWorkspaceStore(workspace: string, options: { readonly mustExist: boolean }): Promise<WorkspaceStore> {
  const opened = await openWorkspaceStoreOrOwner(workspace, options);
  if (opened.kind === 'store') return opened.store;
  throw new Error(`${opened.message} Stop that process first, or do this from the VS Code window that has the workspace open.`);
}

/** A live process owns the store: the message names it; `owner` says where its server listens, once it does. */
export interface StoreOwner {
  readonly kind: 'owner';
  readonly owner: OwnerInfo;
  readonly message: string;
}

/** The store opened, or, when another process owns it, that process (a command may then ask it instead). */
export async function openWorkspaceStoreOrOwner(
  workspace: string,
  options: { readonly mustExist: boolean },
): Promise<{ readonly kind: 'store'; readonly store: WorkspaceStore } | StoreOwner> {
  const dir = path.join(path.resolve(workspace), '.runlens');
  if (options.mustExist && !existsSync(dir)) throw new Error(`there is no RunLens store in ${path.resolve(workspace)} (no .runlens/ folder).`);
  try {
    const store = await WorkspaceStore.open(dir);
    if (store.recovery.message) console.error(`runlens: ${store.recovery.message}`);
    return { kind: 'store', store };
  } catch (error) {
    if (!StoreOwnedElsewhereError.is(error)) throw error;
    return { kind: 'owner', owner: error.owner, message: error.message };
  }
}

/**
 * Runs a store command's work with Ctrl+C wired to `signal`: an interrupted run prints
 * `runlens NAME: cancelled; WHAT` and exits 130; any other failure goes on to the CLI's handler.
 */
export async function runInterruptible(name: string, whenCancelled: string, work: (signal: AbortSignal) => Promise<number>): Promise<number> {
  const interrupt = interruptSignal();
  try {
    return await work(interrupt.signal);
  } catch (error) {
    if (interrupt.signal.aborted) {
      console.error(`runlens ${name}: cancelled; ${whenCancelled}`);
      return 130;
    }
    throw error;
  } finally {
    interrupt.dispose();
  }
}

/** `use` with an opened store, which is closed after it whatever happens. */
export async function withStore<T>(store: WorkspaceStore, use: (store: WorkspaceStore) => Promise<T>): Promise<T> {
  try {
    return await use(store);
  } finally {
    store.close();
  }
}

/** An AbortSignal that the first Ctrl+C (or SIGTERM) aborts; a second one ends the process at once. */
export function interruptSignal(): { readonly signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    console.error(`runlens: ${name}: stopping...`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** Progress on stderr, at most a few lines a second, so a long import or push shows it is alive. */
export function progressPrinter(prefix: string): (update: { readonly done: number; readonly total: number; readonly message: string }) => void {
  let last = 0;
  return ({ done, total, message }) => {
    const now = Date.now();
    if (now - last < 500 && done < total) return;
    last = now;
    console.error(`${prefix} ${done}/${total} ${message}`);
  };
}
