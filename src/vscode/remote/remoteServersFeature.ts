import type * as vscode from 'vscode';
import { RemoteMirrors } from '../../remote/browse/remoteMirrors';
import { Disposable } from '../disposable';
import { registerRemoteServerCommands } from './remoteServerCommands';
import { RemoteServerRegistry } from './remoteServerRegistry';
import { RemoteTree } from './remoteTree';

/**
 * Remote MLflow servers: their settings and secrets, their roots in the Runs and Models views, their
 * commands, and the mirrors through which the dashboards read their runs.
 */
export class RemoteServersFeature extends Disposable {
  readonly registry: RemoteServerRegistry;
  readonly runsTree: RemoteTree;
  readonly modelsTree: RemoteTree;
  readonly mirrors: RemoteMirrors;

  constructor(secrets: vscode.SecretStorage) {
    super();
    this.registry = this.register(new RemoteServerRegistry(secrets));
    this.runsTree = this.register(new RemoteTree('runs', this.registry));
    this.modelsTree = this.register(new RemoteTree('models', this.registry));
    for (const command of registerRemoteServerCommands(this.registry, [this.runsTree, this.modelsTree])) this.register(command);
    this.mirrors = new RemoteMirrors({ servers: () => this.registry.servers(), connection: (url) => this.registry.connection(url) });
    // A server removed, or added again with other credentials: what was copied with the old ones goes.
    this.register(this.registry.onDidChange(() => this.mirrors.forget()));
    this.register({ dispose: () => this.mirrors.forget() });
  }
}
