import * as vscode from 'vscode';
import { CommandId, ViewId } from '../contributions';
import { Disposable } from '../disposable';
import type { RemoteTree } from '../remote/remoteTree';
import { PerFolder } from '../perFolder';
import type { WorkspaceSessions } from '../workspaceSessions';
import { registerModelCommands, type RevealRun } from './modelCommands';
import { ModelsTreeModel } from './modelsTreeModel';
import { ModelsTreeProvider } from './modelsTreeProvider';
import { registerRegisterModelCommand } from './registerModelCommand';

/** The Models view: the model registry of the workspace, with its commands. */
export class ModelsView extends Disposable {
  readonly provider: ModelsTreeProvider;

  constructor(sessions: WorkspaceSessions, revealRun: RevealRun, remote?: RemoteTree) {
    super();
    let provider: ModelsTreeProvider | undefined;
    const models = this.register(
      new PerFolder(sessions, (session) => {
        const model = new ModelsTreeModel(session);
        provider?.follow(model);
        return model;
      }),
    );
    this.provider = provider = this.register(new ModelsTreeProvider(models, remote));
    for (const model of models.all()) this.provider.follow(model);
    this.register(vscode.window.createTreeView(ViewId.Models, { treeDataProvider: this.provider, showCollapseAll: true }));
    this.register(vscode.commands.registerCommand(CommandId.RefreshModels, () => models.all().forEach((model) => model.reload())));
    this.register(registerRegisterModelCommand(sessions));
    for (const command of registerModelCommands(sessions, revealRun)) this.register(command);
  }
}
