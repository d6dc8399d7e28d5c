import assert from 'node:assert/strict';
import path from 'node:path';
import * as vscode from 'vscode';
import { launchAndWait, writeFile } from './launchSupport';
import { waitFor, workspaceDir } from './support';

// A script launched with "Run tracked" fails in a module of the workspace: the exception shows in the
// Problems view at the failing line, with quick fixes to the run and its output; an edit of that line
// clears it, and so does a green run after a fix.

const failingScript = `from steps import prepare

print("loading")
prepare({"epochs": 3})
`;
const failingModule = `def prepare(config):
    epochs = config["epochs"]
    rate = config["lr"]
    return epochs * rate
`;

function runLensDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'RunLens');
}

suite('Failed runs at the failing line', () => {
  let script: string;
  let module: vscode.Uri;

  suiteSetup(() => {
    const folder = path.join(workspaceDir(), 'failing');
    script = writeFile(path.join(folder, 'train_fail.py'), failingScript);
    module = vscode.Uri.file(writeFile(path.join(folder, 'steps.py'), failingModule));
  });

  test('the exception shows at the innermost workspace frame, with Open Run and Open Output; a fix and a green run clear it', async function () {
    this.timeout(120_000);
    const failed = await launchAndWait('runlens.runActiveFile', vscode.Uri.file(script));
    assert.equal(failed.ended.status, 'FAILED');
    const runName = failed.ended.runs[0].info.run_name;

    const [diagnostic] = await waitFor('the RunLens diagnostic', () => {
      const found = runLensDiagnostics(module);
      return found.length > 0 ? found : undefined;
    });
    assert.equal(runLensDiagnostics(module).length, 1);
    assert.equal(diagnostic.message, `KeyError: 'lr' (run ${runName})`);
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    // Line 3 of steps.py, under its code (not its indentation).
    assert.deepEqual(
      [diagnostic.range.start.line, diagnostic.range.start.character, diagnostic.range.end.character],
      [2, 4, 'rate = config["lr"]'.length + 4],
    );
    assert.deepEqual(runLensDiagnostics(vscode.Uri.file(script)), [], 'the script only called the failing line');

    // Quick fixes are asked of an open document, as the light bulb does.
    const document = await vscode.workspace.openTextDocument(module);
    const editor = await vscode.window.showTextDocument(document);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', module, diagnostic.range);
    const ours = actions.filter((action) => action.command?.command.startsWith('runlens.'));
    assert.deepEqual(
      ours.map((action) => [action.title, action.command?.command, action.command?.arguments]),
      [
        ['Open Run', 'runlens.openRunDashboard', [failed.ended.runs[0].info.run_id]],
        ['Open Output', 'runlens.showRunOutput', [failed.ended.runs[0].info.run_id]],
      ],
    );

    // A line added above moves it; an edit of the failing line clears it.
    await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), '# fixed below\n'));
    await waitFor('the diagnostic moved down', () => runLensDiagnostics(module)[0]?.range.start.line === 3 || undefined);
    await editor.edit((edit) => edit.replace(document.lineAt(3).range, '    rate = config.get("lr", 0.1)'));
    await waitFor('the diagnostic cleared by the edit', () => runLensDiagnostics(module).length === 0 || undefined);
    // Back to the failing code, saved as a person would: failing again brings the diagnostic back.
    await editor.edit((edit) => edit.replace(new vscode.Range(0, 0, document.lineCount, 0), failingModule));
    await document.save();
    const again = await launchAndWait('runlens.runActiveFile', vscode.Uri.file(script));
    assert.equal(again.ended.status, 'FAILED');
    const againName = again.ended.runs[0].info.run_name;
    await waitFor('the diagnostic of the second failure', () => runLensDiagnostics(module)[0]?.message.endsWith(`(run ${againName})`) || undefined);
    assert.equal(runLensDiagnostics(module)[0].range.start.line, 2);

    // The fix is in the script (steps.py is untouched): only the green run can clear the diagnostic.
    writeFile(script, failingScript.replace('{"epochs": 3}', '{"epochs": 3, "lr": 0.1}'));
    const green = await launchAndWait('runlens.runActiveFile', vscode.Uri.file(script));
    assert.equal(green.ended.status, 'FINISHED');
    await waitFor('the diagnostic cleared by the green run', () => runLensDiagnostics(module).length === 0 || undefined);
  });
});
