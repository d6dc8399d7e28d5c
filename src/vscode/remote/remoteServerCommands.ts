import * as vscode from 'vscode';
import { normalizeServerUrl } from '../../remote/client/remoteServer';
import { CommandId } from '../contributions';
import { withErrorMessage } from '../errorBoundary';
import type { RemoteAuth, RemoteServerEntry, RemoteServerRegistry } from './remoteServerRegistry';
import type { RemoteTree } from './remoteTree';
import { isRemoteNode, serverOf, type RemoteLoadMoreNode, type RemoteNode } from './remoteTreeNodes';

/** What "Add Remote MLflow Server…" takes as its argument to skip the prompts (tests, other extensions). */
export interface AddRemoteServerArgs {
  readonly name: string;
  readonly url: string;
  readonly auth?: RemoteAuth;
}

export function registerRemoteServerCommands(registry: RemoteServerRegistry, trees: readonly RemoteTree[]): vscode.Disposable[] {
  const treeOf = (node: RemoteNode) => trees.find((tree) => tree.view === serverOf(node).view);
  return [
    vscode.commands.registerCommand(CommandId.AddRemoteServer, (args?: AddRemoteServerArgs) =>
      withErrorMessage('add the remote server', async () => {
        const chosen = args ?? (await promptForServer(registry.servers()));
        if (!chosen) return undefined;
        return registry.add({ name: chosen.name, url: chosen.url }, chosen.auth ?? { kind: 'none' });
      }),
    ),
    vscode.commands.registerCommand(CommandId.RemoveRemoteServer, (target?: RemoteNode | string) =>
      withErrorMessage('remove the remote server', async () => {
        const name = typeof target === 'string' ? target : target && isRemoteNode(target) ? serverOf(target).server.name : await pickServer(registry.servers());
        if (name === undefined) return false;
        return registry.remove(name);
      }),
    ),
    vscode.commands.registerCommand(CommandId.RefreshRemoteServer, async (node?: RemoteNode) => {
      if (node && isRemoteNode(node)) return treeOf(node)?.retry(node);
      for (const tree of trees) for (const root of tree.serverNodes()) await tree.retry(root);
    }),
    vscode.commands.registerCommand(CommandId.LoadMoreRemote, (node: RemoteLoadMoreNode) => treeOf(node)?.loadMore(node)),
  ];
}

async function promptForServer(existing: readonly RemoteServerEntry[]): Promise<AddRemoteServerArgs | undefined> {
  const url = await vscode.window.showInputBox({
    title: 'Add Remote MLflow Server (1/3)',
    prompt: 'The tracking server URL, as MLFLOW_TRACKING_URI would be',
    placeHolder: 'https://mlflow.example.com',
    ignoreFocusOut: true,
    validateInput: (value) => {
      try {
        normalizeServerUrl(value);
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    },
  });
  if (!url) return undefined;
  const name = await vscode.window.showInputBox({
    title: 'Add Remote MLflow Server (2/3)',
    prompt: 'A short name for the server in the Runs and Models views',
    value: new URL(normalizeServerUrl(url)).host,
    ignoreFocusOut: true,
    validateInput: (value) =>
      value.trim() === '' ? 'Give the server a name' : existing.some((s) => s.name === value.trim()) ? 'Replaces the server of that name' : undefined,
  });
  if (!name) return undefined;
  const kind = await vscode.window.showQuickPick(
    [
      { label: 'No authentication', auth: 'none' as const },
      { label: 'Token', description: 'MLFLOW_TRACKING_TOKEN (sent as a bearer token)', auth: 'token' as const },
      { label: 'User name and password', description: 'MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD', auth: 'basic' as const },
    ],
    { title: 'Add Remote MLflow Server (3/3): authentication, kept in VS Code\'s secret storage', ignoreFocusOut: true },
  );
  if (!kind) return undefined;
  const auth = await promptForAuth(kind.auth);
  return auth ? { name: name.trim(), url, auth } : undefined;
}

async function promptForAuth(kind: RemoteAuth['kind']): Promise<RemoteAuth | undefined> {
  if (kind === 'none') return { kind };
  if (kind === 'token') {
    const token = await vscode.window.showInputBox({ title: 'Token', password: true, ignoreFocusOut: true });
    return token ? { kind, token } : undefined;
  }
  const username = await vscode.window.showInputBox({ title: 'User name', ignoreFocusOut: true });
  if (!username) return undefined;
  const password = await vscode.window.showInputBox({ title: `Password of ${username}`, password: true, ignoreFocusOut: true });
  return password === undefined ? undefined : { kind, username, password };
}

async function pickServer(servers: readonly RemoteServerEntry[]): Promise<string | undefined> {
  if (servers.length === 0) {
    void vscode.window.showInformationMessage('RunLens: no remote servers have been added.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    servers.map((server) => ({ label: server.name, description: server.url })),
    { title: 'Remove Remote Server' },
  );
  return picked?.label;
}
