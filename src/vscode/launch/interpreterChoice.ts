import * as vscode from 'vscode';
import { SettingKey, SettingSection } from '../contributions';

export interface InterpreterChoice {
  readonly path: string;
  /** Where the choice came from, for messages. */
  readonly source: 'Python extension' | 'runlens.pythonPath' | 'default';
}

const pythonExtensionId = 'ms-python.python';
/** The Python extension activates in well under this; past it, launching does not wait for it. */
const pythonExtensionTimeoutMs = 5000;

/**
 * The interpreter for a script: the Python extension's active interpreter for it when that
 * extension is installed, else the `runlens.pythonPath` setting, else `python3` (`python` on Windows).
 */
export async function chooseInterpreter(script: vscode.Uri): Promise<InterpreterChoice> {
  const fromExtension = await pythonExtensionInterpreter(script).catch(() => undefined);
  if (fromExtension) return { path: fromExtension, source: 'Python extension' };
  const setting = vscode.workspace.getConfiguration(SettingSection, script).get<string>(SettingKey.PythonPath)?.trim();
  if (setting) return { path: setting, source: 'runlens.pythonPath' };
  return { path: process.platform === 'win32' ? 'python' : 'python3', source: 'default' };
}

/**
 * Asks the Python extension's API (`environments.getActiveEnvironmentPath`, then
 * `resolveEnvironment`) for the script's interpreter. Every step is checked: the API is another
 * extension's and may change, be missing, or fail; any of that means "no answer".
 */
async function pythonExtensionInterpreter(script: vscode.Uri): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension<unknown>(pythonExtensionId);
  if (!extension) return undefined;
  const exports = extension.isActive ? extension.exports : await withTimeout(Promise.resolve(extension.activate()), pythonExtensionTimeoutMs);
  const environments = (exports as { environments?: PythonEnvironments } | undefined)?.environments;
  if (typeof environments?.getActiveEnvironmentPath !== 'function') return undefined;
  const active = environments.getActiveEnvironmentPath(script);
  if (typeof environments.resolveEnvironment === 'function') {
    const resolved = await withTimeout(Promise.resolve(environments.resolveEnvironment(active)), pythonExtensionTimeoutMs);
    const executable = resolved?.executable?.uri?.fsPath;
    if (typeof executable === 'string' && executable) return executable;
  }
  return typeof active?.path === 'string' && active.path ? active.path : undefined;
}

/** The part of the Python extension's API used here, all of it optional. */
interface PythonEnvironments {
  getActiveEnvironmentPath?(resource?: vscode.Uri): { path?: unknown } | undefined;
  resolveEnvironment?(environment: unknown): Promise<{ executable?: { uri?: { fsPath?: unknown } } } | undefined> | undefined;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
