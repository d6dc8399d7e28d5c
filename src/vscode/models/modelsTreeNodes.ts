import type { ModelVersion, RegisteredModel } from '../../core/store/registry/registryEntities';

/** The Models view's elements: registered models, then their versions. */
export type ModelsTreeNode = RegisteredModelNode | ModelVersionNode | ModelsMessageNode;

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
