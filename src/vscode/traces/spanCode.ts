import * as vscode from 'vscode';
import { findFunctionDefinitions, isFunctionName } from '../../core/traces/functionLocator';
import type { StoreAccess } from '../storeAccess';

/** Folders no one's traced code lives in; skipped when searching the workspace. */
const excluded = '**/{.git,.venv,venv,env,node_modules,site-packages,__pycache__,.runlens}/**';
const maxFilesSearched = 5000;

/**
 * "Go to code" for a span: opens the function that produced it. The span names the function
 * (`mlflow.spanFunctionName`); the trace names the script that ran (`mlflow.source.name`), which
 * is looked in first, then every Python file of the workspace.
 */
export async function goToSpanCode(access: StoreAccess, folder: vscode.WorkspaceFolder | undefined, traceId: string, spanId: string): Promise<{ opened: boolean }> {
  const { functionName: name, sourceName: source } = await access.call('spanFunction', { traceId, spanId });
  if (!name || !isFunctionName(name)) throw new Error('this span does not name the function that made it (MLflow records it for @mlflow.trace)');
  const location = await locate(name, source, folder);
  if (location === undefined) {
    void vscode.window.showWarningMessage(`RunLens: no Python file of the workspace defines ${name}().`);
    return { opened: false };
  }
  const editor = await vscode.window.showTextDocument(location.uri, { preview: true });
  const position = new vscode.Position(location.line, 0);
  editor.selection = new vscode.Selection(position, position);
  editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return { opened: true };
}

async function locate(name: string, source: string | undefined, folder: vscode.WorkspaceFolder | undefined): Promise<{ uri: vscode.Uri; line: number } | undefined> {
  const wanted = new Set([name]);
  const candidates: vscode.Uri[] = [];
  if (source && folder) {
    const base = source.split(/[\\/]/).pop() ?? source;
    candidates.push(...(await vscode.workspace.findFiles(new vscode.RelativePattern(folder, `**/${base}`), excluded, 10)));
  }
  const all = folder ? await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*.py'), excluded, maxFilesSearched) : [];
  for (const uri of [...candidates, ...all]) {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    const [found] = findFunctionDefinitions(text, wanted);
    if (found) return { uri, line: found.line };
  }
  return undefined;
}
