import {
  runStoreOperation,
  type StoreOperationArgs,
  type StoreOperationName,
  type StoreOperationResult,
} from '../core/store/storeOperations';
import type { WorkspaceStore } from '../core/store/workspaceStore';

/**
 * How the views read and write the workspace's store, whichever process has it open: this window
 * (in process) or another RunLens process, whose server runs the same `storeOperations` for it.
 */
export interface StoreAccess {
  /** The store's artifact folder on this machine (an owner process serves the same folder). */
  readonly artifactsRoot: string;
  call<K extends StoreOperationName>(name: K, args: StoreOperationArgs<K>): Promise<StoreOperationResult<K>>;
}

/** The store this window has open. */
export function inProcessAccess(store: WorkspaceStore): StoreAccess {
  return {
    artifactsRoot: store.artifacts.root,
    call: async <K extends StoreOperationName>(name: K, args: StoreOperationArgs<K>): Promise<StoreOperationResult<K>> => {
      // sql.js has one connection: between an import's slices a read would see half of it.
      await store.db.longWriteSettled();
      return runStoreOperation(store, name, args);
    },
  };
}
