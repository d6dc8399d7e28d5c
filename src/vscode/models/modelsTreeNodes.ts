import type { ModelVersion, RegisteredModel } from '../../core/store/registry/registryEntities';
import type { RemoteNode } from '../remote/remoteTreeNodes';
import type { FolderNode } from '../perFolder';

/**
 * The Models view's elements: registered models, then their versions (under a root per workspace
 * folder when there are several); remote servers' (src/vscode/remote) below them.
 */
export type ModelsTreeNode = FolderNode | RegisteredModelNode | ModelVersionNode | ModelsMessageNode | RemoteNode;

export interface RegisteredModelNode {
  readonly kind: 'model';
  readonly id: string;
  /** The workspace folder whose store's registry holds the model. */
  readonly folderUri: string;
  readonly model: RegisteredModel;
}

export interface ModelVersionNode {
  readonly kind: 'version';
  readonly id: string;
  readonly parent: RegisteredModelNode;
  readonly version: ModelVersion;
}

export interface ModelsMessageNode {
  readonly kind: 'message';
  readonly id: string;
  readonly text: string;
  /** The folder root it shows under, with several folders. */
  readonly parent?: FolderNode;
}
