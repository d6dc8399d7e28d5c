import type { ModelVersion, RegisteredModel } from '../../core/store/registry/registryEntities';
import type { RemoteNode } from '../remote/remoteTreeNodes';

/** The Models view's elements: registered models, then their versions; remote servers' (src/vscode/remote) below them. */
export type ModelsTreeNode = RegisteredModelNode | ModelVersionNode | ModelsMessageNode | RemoteNode;

export interface RegisteredModelNode {
  readonly kind: 'model';
  readonly id: string;
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
}
