import path from 'node:path';
import * as vscode from 'vscode';
import { parseSweepFile, parseSweepLine, sweepFilePattern } from '../../core/sweeps/sweepFile';
import { expandSweep, SweepSpecError, type SweepSpec } from '../../core/sweeps/sweepSpec';
import { CommandId } from '../contributions';
import { withErrorMessage } from '../errorBoundary';
import { launchTargetSetting, workspaceTargetValue } from '../launch/launchTarget';
import { runIdOf } from '../runs/runTargets';
import type { SweepController, SweepStarted } from './sweepController';

/** What Run Sweep… may be given instead of asking: a sweep file's text, or a quick input line. */
interface SweepCommandOptions {
  /** A sweep spec as JSON (what a sweep file holds), with `script` relative to the script's folder. */
  readonly spec?: unknown;
  readonly line?: string;
}

/**
 * Run Sweep… (CodeLens, palette, Runs view title), from a Python script (a grid, list or random
 * samples typed in a quick input, or a sweep file picked) or from a sweep file itself; Stop Sweep
 * and Retry Failed on a sweep's parent run in the Runs view.
 */
export function registerSweepCommands(controller: SweepController): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandId.RunSweep, (resource?: unknown, options?: SweepCommandOptions) =>
      withErrorMessage('run the sweep', async (): Promise<SweepStarted | undefined> => {
        if (!vscode.workspace.isTrusted) throw new Error('RunLens runs scripts only in a trusted workspace');
        const chosen = await sweepToRun(resource, options);
        if (!chosen) return undefined;
        const target = launchTargetSetting(chosen.script);
        if (target !== workspaceTargetValue) {
          void offerWorkspace(controller, chosen, target);
          return undefined;
        }
        return startSweep(controller, chosen);
      }),
    ),
    vscode.commands.registerCommand(CommandId.StopSweep, (node?: unknown) =>
      withErrorMessage('stop the sweep', async () => controller.stop(await sweepIdOf(controller, node))),
    ),
    vscode.commands.registerCommand(CommandId.RetryFailedSweep, (node?: unknown) =>
      withErrorMessage('retry the failed runs of the sweep', async () => controller.retryFailed(await sweepIdOf(controller, node))),
    ),
  ];
}

async function startSweep(controller: SweepController, chosen: { script: vscode.Uri; spec: SweepSpec }): Promise<SweepStarted> {
  const started = await controller.start(chosen.script, chosen.spec);
  void vscode.window.showInformationMessage(`RunLens: sweep of ${vscode.workspace.asRelativePath(chosen.script, false)} started: ${started.points} runs.`);
  return started;
}

/**
 * Sweeps run into the workspace's store only: its parent run, the queue that resumes after a
 * reload, the Runs view's progress and the dashboard that compares its runs all live there, and a
 * remote server's runs could be neither grouped under that parent nor followed after a reload. So a
 * remote `runlens.launchTarget` starts nothing: the person is told why, and may run it locally.
 */
async function offerWorkspace(controller: SweepController, chosen: { script: vscode.Uri; spec: SweepSpec }, target: string): Promise<void> {
  const runLocally = 'Run in the Workspace';
  const choice = await vscode.window.showWarningMessage(
    `RunLens did not start the sweep: runlens.launchTarget sends launches to '${target}', but sweeps run into the workspace's store only. ` +
      "A sweep's parent run, its queue (which resumes after a window reload) and the dashboard that compares its runs live there, " +
      "and runs on a remote server could not be grouped under that parent nor followed after a reload.",
    runLocally,
    'Choose Where Launches Log…',
  );
  if (choice === runLocally) await withErrorMessage('run the sweep', () => startSweep(controller, chosen));
  else if (choice !== undefined) await vscode.commands.executeCommand(CommandId.ChooseLaunchTarget);
}

async function sweepIdOf(controller: SweepController, node: unknown): Promise<string> {
  const runId = runIdOf(node);
  const sweepId = runId === undefined ? undefined : await controller.sweepOfRun(runId);
  if (sweepId === undefined) throw new Error('pick the parent run of a sweep in the Runs view');
  return sweepId;
}

/** The script and spec: from a sweep file (given, or the active editor's), else for a script, typed or picked. */
async function sweepToRun(resource: unknown, options: SweepCommandOptions | undefined): Promise<{ script: vscode.Uri; spec: SweepSpec } | undefined> {
  const uri = resourceUri(resource) ?? vscode.window.activeTextEditor?.document.uri;
  if (uri && sweepFilePattern.test(uri.path)) return fromSweepFile(uri);
  if (!uri || !uri.path.endsWith('.py') || uri.scheme !== 'file') throw new Error('open a Python script (or a *.sweep.json / *.sweep.yaml file) to sweep it');
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (document?.isDirty && !(await document.save())) throw new Error(`${vscode.workspace.asRelativePath(uri)} could not be saved`);
  if (options?.spec !== undefined) return { script: uri, spec: withinSizeLimit(parseSweepFile(JSON.stringify(options.spec), 'the given sweep.sweep.json')) };
  if (options?.line !== undefined) return { script: uri, spec: parseSweepLine(options.line, 'grid') };
  return askSweep(uri);
}

function resourceUri(resource: unknown): vscode.Uri | undefined {
  if (resource instanceof vscode.Uri) return resource;
  if (typeof resource === 'string' && resource !== '') return vscode.Uri.parse(resource);
  return undefined;
}

async function fromSweepFile(file: vscode.Uri): Promise<{ script: vscode.Uri; spec: SweepSpec }> {
  const text = Buffer.from(await vscode.workspace.fs.readFile(file)).toString('utf8');
  const spec = withinSizeLimit(parseSweepFile(text, path.basename(file.fsPath)));
  if (!spec.script) throw new SweepSpecError(`${path.basename(file.fsPath)}: script: name the Python script to sweep`);
  const script = vscode.Uri.file(path.resolve(path.dirname(file.fsPath), spec.script));
  return { script, spec };
}

function withinSizeLimit(spec: SweepSpec): SweepSpec {
  expandSweep(spec); // Refuses an oversized grid before anything is created.
  return spec;
}

/** The quick input: the way to vary (grid, random samples, or a sweep file), then the values. */
async function askSweep(script: vscode.Uri): Promise<{ script: vscode.Uri; spec: SweepSpec } | undefined> {
  const title = `Sweep ${vscode.workspace.asRelativePath(script, false)}`;
  const method = await vscode.window.showQuickPick(
    [
      { label: 'Grid', description: 'every combination of the values', method: 'grid' as const },
      { label: 'Random samples', description: 'draw points from lists and ranges, with a seed', method: 'random' as const },
      { label: 'From a sweep file…', description: '*.sweep.json or *.sweep.yaml: grids, lists of points, env variables', method: 'file' as const },
    ],
    { title, ignoreFocusOut: true },
  );
  if (!method) return undefined;
  if (method.method === 'file') {
    const files = await vscode.workspace.findFiles('**/*.sweep.{json,yaml,yml}', '**/node_modules/**', 200);
    const picked = await vscode.window.showQuickPick(
      files.map((file) => ({ label: vscode.workspace.asRelativePath(file, false), file })),
      { title: files.length ? `${title}: which sweep file?` : 'No *.sweep.json or *.sweep.yaml file in the workspace', ignoreFocusOut: true },
    );
    return picked && fromSweepFile(picked.file);
  }
  const random = method.method === 'random';
  const line = await vscode.window.showInputBox({
    title,
    prompt: random
      ? 'Arguments to vary: name=values or a range (lr=1e-4..1e-1 layers=1..4 opt=adam,sgd); env.NAME=… sets a variable'
      : 'Arguments to vary, each with its values (lr=0.1,0.01 batch=16,32); env.NAME=… sets a variable',
    placeHolder: random ? 'lr=1e-4..1e-1 batch=16,32' : 'lr=0.1,0.01,0.001 batch=16,32',
    ignoreFocusOut: true,
    validateInput: (text) => check(() => parseSweepLine(text, method.method, { samples: 1, seed: 0 })),
  });
  if (line === undefined) return undefined;
  if (!random) return { script, spec: withinSizeLimit(parseSweepLine(line, 'grid')) };
  const count = await vscode.window.showInputBox({
    title,
    prompt: 'How many runs, and the seed (the same seed draws the same points)',
    value: '10 0',
    ignoreFocusOut: true,
    validateInput: (text) => (/^\s*\d+\s+\d+\s*$/.test(text) ? undefined : 'two whole numbers: runs and seed, as 10 0'),
  });
  if (count === undefined) return undefined;
  const [samples, seed] = count.trim().split(/\s+/).map(Number);
  return { script, spec: withinSizeLimit(parseSweepLine(line, 'random', { samples, seed })) };
}

function check(parse: () => SweepSpec): string | undefined {
  try {
    const points = expandSweep(parse()).length;
    return points > 0 ? undefined : 'no points';
  } catch (error) {
    return (error as Error).message;
  }
}
