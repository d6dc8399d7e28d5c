import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ImportSummary } from '../../../src/importers/importMlflowData';
import { CommandId } from '../../../src/vscode/contributions';
import { buildFixture } from '../../fixtures/mlflow-data/fixtureSpec';
import { writeMlruns } from '../../fixtures/mlflow-data/writeMlruns';
import { runLensApi } from '../support';

// Import MLflow Data in a multi-root workspace: the data goes to the store of the folder that holds
// it, not to the first folder's, and no question is asked when the source tells the folder.

suite('Multi-root workspace: an import goes to the folder holding its source', () => {
  test("an mlruns/ folder inside the second folder is imported into that folder's store only", async function () {
    this.timeout(120_000);
    const api = await runLensApi();
    const [alpha, beta] = vscode.workspace.workspaceFolders ?? [];
    const fixture = buildFixture({ runsPerExperiment: 3, pointsPerMetric: 2, seed: 11 });
    const source = path.join(beta.uri.fsPath, 'exported-mlruns');
    writeMlruns(fixture, source);
    try {
      const summary = await vscode.commands.executeCommand<ImportSummary | undefined>(CommandId.ImportMlflowData, { path: source, artifacts: 'copy' });
      assert.ok(summary, 'the import ran to its end without a prompt');
      const runId = fixture.experiments[0].runs[0].runId;
      // Asked of each folder's tracking server, whichever process serves it.
      const runStatus = async (folder: vscode.Uri) => {
        const endpoint = await api.trackingEndpoint(folder);
        assert.ok(endpoint, `${folder.fsPath} has a tracking server`);
        const response = await fetch(`${endpoint.url}/api/2.0/mlflow/runs/get?run_id=${runId}`, { headers: { authorization: `Bearer ${endpoint.token}` } });
        return response.status;
      };
      assert.equal(await runStatus(beta.uri), 200, "the run is in beta's store");
      assert.equal(await runStatus(alpha.uri), 404, "and not in alpha's");
    } finally {
      rmSync(source, { recursive: true, force: true });
    }
  });
});
