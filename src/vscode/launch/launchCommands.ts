import * as vscode from 'vscode';
import { pathsInArguments } from '../../capture/argumentPaths';
import { CommandId } from '../contributions';
import { withErrorMessage } from '../errorBoundary';
import { runIdOf } from '../runs/runTargets';
import { splitArguments } from '../../core/launches/argumentWords';
import { launchFolders, type LaunchController } from './launchController';
import { pickRunningLaunch, showRunningLaunches } from './launchPicker';

/** What the run commands return, for callers that follow the launch (tests, other extensions). */
export interface LaunchStarted {
  readonly launchId: string;
}

const rememberedArgumentsKey = 'runlens.launchArguments';

/** The launch commands: run the file tracked (with or without arguments), stop, list running scripts, and why not. */
export function registerLaunchCommands(controller: LaunchController, workspaceState: vscode.Memento): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandId.RunActiveFile, (resource?: unknown) =>
      withErrorMessage('run the file tracked', async () => {
        if (!vscode.workspace.isTrusted) return explainUntrusted();
        const script = await scriptToRun(resource);
        return started(await controller.launch({ script, args: [] }));
      }),
    ),
    vscode.commands.registerCommand(CommandId.RunActiveFileWithArguments, (resource?: unknown, argumentLine?: unknown) =>
      withErrorMessage('run the file tracked with arguments', async () => {
        if (!vscode.workspace.isTrusted) return explainUntrusted();
        const script = await scriptToRun(resource);
        // A caller that passes the arguments (a test, a keybinding) is not asked, and its argument paths count as data.
        const given = typeof argumentLine === 'string';
        const line = given ? argumentLine : await askArguments(script, workspaceState);
        if (line === undefined) return undefined;
        const args = splitArguments(line);
        const { cwd, workspaceRoot } = launchFolders(script);
        const found = await pathsInArguments(args, cwd, workspaceRoot);
        const dataPaths = given ? found : await pickDataPaths(found, workspaceRoot);
        if (dataPaths === undefined) return undefined;
        return started(await controller.launch({ script, args, dataPaths }));
      }),
    ),
    vscode.commands.registerCommand(CommandId.StopRun, (argument?: unknown) =>
      withErrorMessage('stop the run', async () => {
        const launch = await launchToStop(controller, argument);
        launch?.stop(`Stopped with RunLens: Stop Run.`);
      }),
    ),
    vscode.commands.registerCommand(CommandId.ShowRunningLaunches, () => showRunningLaunches(controller)),
    vscode.commands.registerCommand(CommandId.LaunchUnavailable, explainUntrusted),
  ];
}

/** Undefined when nothing was launched (the remote server was down and the person declined the workspace). */
function started(launch: { launchId: string } | undefined): LaunchStarted | undefined {
  return launch && { launchId: launch.launchId };
}

/** The script named by a lens (URI string), a menu (Uri), or else the active editor's file; saved first. */
async function scriptToRun(resource: unknown): Promise<vscode.Uri> {
  const uri =
    resource instanceof vscode.Uri
      ? resource
      : typeof resource === 'string'
        ? vscode.Uri.parse(resource)
        : vscode.window.activeTextEditor?.document.uri;
  if (!uri || !uri.path.endsWith('.py')) throw new Error('open a Python file (.py) to run it tracked');
  if (uri.scheme !== 'file') throw new Error(`${uri.toString()} is not a file on disk`);
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (document?.isDirty && !(await document.save())) throw new Error(`${vscode.workspace.asRelativePath(uri)} could not be saved`);
  return uri;
}

async function askArguments(script: vscode.Uri, state: vscode.Memento): Promise<string | undefined> {
  const remembered = state.get<Record<string, string>>(rememberedArgumentsKey, {});
  const key = script.toString();
  const line = await vscode.window.showInputBox({
    title: `Run ${vscode.workspace.asRelativePath(script, false)} tracked`,
    prompt: 'Arguments for the script, as in a shell: quotes group words; nothing is expanded',
    placeHolder: '--epochs 10 --data data/train.csv',
    value: remembered[key] ?? '',
    ignoreFocusOut: true,
    validateInput: (text) => {
      try {
        splitArguments(text);
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    },
  });
  if (line !== undefined) await state.update(rememberedArgumentsKey, { ...remembered, [key]: line });
  return line;
}

/** Offers the files and folders the arguments name as the run's data (all chosen by default); undefined when dismissed. */
async function pickDataPaths(found: readonly string[], workspaceRoot: string): Promise<string[] | undefined> {
  if (found.length === 0) return [];
  const items = found.map((absolute) => ({
    label: vscode.workspace.asRelativePath(absolute, false),
    description: absolute.startsWith(workspaceRoot) ? undefined : absolute,
    picked: true,
    absolute,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Record these as the run\'s data? (size and content hash, compared between runs)',
    canPickMany: true,
    ignoreFocusOut: true,
  });
  return picked?.map((item) => item.absolute);
}

/** The launch a Stop names: a launch or run id, a Runs view node, or else the only one running or the one picked. */
async function launchToStop(controller: LaunchController, argument: unknown) {
  const id =
    typeof argument === 'object' && argument !== null && 'launchId' in argument && typeof argument.launchId === 'string'
      ? argument.launchId
      : runIdOf(argument);
  if (id !== undefined) {
    const launch = await controller.find(id);
    if (!launch) throw new Error('that run is not a script RunLens launched in this window, or it has already ended');
    return launch;
  }
  const running = controller.running();
  if (running.length === 0) {
    void vscode.window.showInformationMessage('RunLens: no script launched from this window is running.');
    return undefined;
  }
  return running.length === 1 ? running[0] : pickRunningLaunch(running, 'Stop which script?');
}

/** Why the lenses and commands do not launch in an untrusted workspace, with the way to change it. */
function explainUntrusted(): undefined {
  const manage = 'Manage Workspace Trust';
  void vscode.window
    .showWarningMessage(
      'RunLens runs scripts only in a trusted workspace: running code from a folder you have not trusted could do anything that code does. ' +
        'Trust this workspace to run tracked runs; stored runs stay viewable either way.',
      manage,
    )
    .then((choice) => (choice === manage ? vscode.commands.executeCommand('workbench.trust.manage') : undefined));
  return undefined;
}
