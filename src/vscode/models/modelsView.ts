import * as vscode from 'vscode';
import { CommandId, ViewId } from '../contributions';
import { Disposable } from '../disposable';
import type { RemoteTree } from '../remote/remoteTree';
import type { TrackingSession } from '../trackingSession';
import { registerModelCommands, type RevealRun } from './modelCommands';
import { ModelsTreeModel } from './modelsTreeModel';
import { ModelsTreeProvider } from './modelsTreeProvider';
import { registerRegisterModelCommand } from './registerModelCommand';

/** The Models view: the model registry of the workspace, with its commands. */
export class ModelsView extends Disposable {
  readonly provider: ModelsTreeProvider;

  constructor(session: TrackingSession, revealRun: RevealRun, remote?: RemoteTree) {
    super();
    const model = this.register(new ModelsTreeModel(session));
    this.provider = new ModelsTreeProvider(model, remote);
    this.register(vscode.window.createTreeView(ViewId.Models, { treeDataProvider: this.provider, showCollapseAll: true }));
    this.register(vscode.commands.registerCommand(CommandId.RefreshModels, () => model.reload()));
    this.register(registerRegisterModelCommand(session));
    for (const command of registerModelCommands(session, revealRun)) this.register(command);
  }
}
