import path from 'node:path';
import { parseArgs } from 'node:util';
import { importMlflowData, type ImportSummary, type ImportUpdate } from '../importers/importMlflowData';
import { importReport } from '../importers/importSummaryText';
import { followOwnerJob } from '../server/routes/guest/followOwnerJob';
import { importJobPrefix } from '../server/routes/guest/guestImportRoutes';
import type { Command } from './command';
import { ownerJobRequest } from './ownerJobRequest';
import { openWorkspaceStoreOrOwner, progressPrinter, runInterruptible, withStore } from './storeCommandSupport';

const usage = `Usage: runlens import PATH [--dir WORKSPACE] [--reference-artifacts] [--json]

  PATH                  an mlruns/ folder, an mlflow.db file, or a folder holding one of them
  --dir WORKSPACE       the workspace whose .runlens/ store receives the data (default: the current folder)
  --reference-artifacts leave artifacts where they are and point the runs at them (default: copy them into the store)
  --json                print the summary as JSON

Importing again adds only what is new. Ctrl+C cancels; a cancelled import changes nothing.
While a VS Code window (or runlens serve) has the workspace open, that process imports for you.`;

export const importCommand: Command = {
  name: 'import',
  summary: 'import MLflow data (an mlruns/ folder or an mlflow.db) into the workspace store',
  usage,
  async run(args) {
    let parsed: ReturnType<typeof parse>;
    try {
      parsed = parse(args);
    } catch (error) {
      console.error(`runlens import: ${(error as Error).message}\n\n${usage}`);
      return 2;
    }
    return runInterruptible('import', 'nothing was imported.', async (signal) => {
      const opened = await openWorkspaceStoreOrOwner(parsed.dir, { mustExist: false });
      const artifacts = parsed.reference ? 'reference' : 'copy';
      const onProgress = progressPrinter('runlens import:');
      const summary =
        opened.kind === 'owner'
          ? // Only the owner writes the store; it runs on this machine and reads the source by its absolute path.
            await followOwnerJob<ImportUpdate, ImportSummary>(ownerJobRequest(opened, 'import', 'Importing'), importJobPrefix, { source: path.resolve(parsed.source), artifacts }, { signal, onProgress })
          : await withStore(opened.store, (store) => importMlflowData({ tracking: store.tracking, artifacts: store.artifacts }, parsed.source, { artifacts, signal, onProgress }));
      console.log(parsed.json ? JSON.stringify(summary, null, 2) : importReport(summary));
      return 0;
    });
  },
};

function parse(args: readonly string[]): { source: string; dir: string; reference: boolean; json: boolean } {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { dir: { type: 'string' }, 'reference-artifacts': { type: 'boolean' }, json: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new Error(positionals.length === 0 ? 'name the mlruns/ folder or mlflow.db to import' : `one PATH only, not ${positionals.length}`);
  return { source: positionals[0], dir: values.dir ?? '.', reference: values['reference-artifacts'] === true, json: values.json === true };
}
