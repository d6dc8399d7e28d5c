import type * as vscode from 'vscode';
import { Disposable } from '../disposable';
import { registerRemoteServerCommands } from './remoteServerCommands';
import { RemoteServerRegistry } from './remoteServerRegistry';
import { RemoteTree } from './remoteTree';

/** Remote MLflow servers: their settings and secrets, their roots in the Runs and Models views, their commands. */
export class RemoteServersFeature extends Disposable {
  readonly registry: RemoteServerRegistry;
  readonly runsTree: RemoteTree;
  readonly modelsTree: RemoteTree;

  constructor(secrets: vscode.SecretStorage) {
    super();
    this.registry = this.register(new RemoteServerRegistry(secrets));
    this.runsTree = this.register(new RemoteTree('runs', this.registry));
    this.modelsTree = this.register(new RemoteTree('models', this.registry));
    for (const command of registerRemoteServerCommands(this.registry, [this.runsTree, this.modelsTree])) this.register(command);
  }
}
