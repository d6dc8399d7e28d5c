import { parseArgs } from 'node:util';
import { exportMlruns } from '../core/export/mlrunsExport';
import type { Command } from './command';
import { openWorkspaceStore, progressPrinter, runInterruptible, withStore } from './storeCommandSupport';

const usage = `Usage: runlens export --out PATH [--dir WORKSPACE] [--experiment NAME|ID]... [--json]

  --out PATH          a new or empty folder; it becomes an mlruns/ folder MLflow reads
                      (MLFLOW_TRACKING_URI=file://PATH, mlflow ui --backend-store-uri file://PATH)
  --dir WORKSPACE     the workspace whose .runlens/ store is exported (default: the current folder)
  --experiment X      export only this experiment (name or id); repeat for several. Default: all
  --json              print the summary as JSON`;

export const exportCommand: Command = {
  name: 'export',
  summary: "export the workspace's runs as an mlruns/ folder that MLflow reads",
  usage,
  async run(args) {
    let parsed: { out: string; dir: string; experiments: string[]; json: boolean };
    try {
      const { values, positionals } = parseArgs({
        args: [...args],
        options: { out: { type: 'string' }, dir: { type: 'string' }, experiment: { type: 'string', multiple: true }, json: { type: 'boolean' } },
        allowPositionals: true,
        strict: true,
      });
      if (positionals.length > 0) throw new Error(`unexpected argument '${positionals[0]}'`);
      if (!values.out) throw new Error('--out PATH is required');
      parsed = { out: values.out, dir: values.dir ?? '.', experiments: values.experiment ?? [], json: values.json === true };
    } catch (error) {
      console.error(`runlens export: ${(error as Error).message}\n\n${usage}`);
      return 2;
    }
    return runInterruptible('export', 'the folder holds a partial export.', async (signal) => {
      const store = await openWorkspaceStore(parsed.dir, { mustExist: true });
      const summary = await withStore(store, (opened) =>
        exportMlruns({ tracking: opened.tracking, artifacts: opened.artifacts }, parsed.out, {
          experiments: parsed.experiments,
          signal,
          onProgress: progressPrinter('runlens export: run'),
        }),
      );
      if (parsed.json) {
        console.log(JSON.stringify(summary, null, 2));
      } else {
        console.log(
          `Exported ${summary.experiments} experiments, ${summary.runs} runs, ${summary.metricPoints} metric points, ` +
            `${summary.artifactFiles} artifact files, ${summary.loggedModels} logged models and ${summary.registeredModels} registered models to ${summary.out}`,
        );
        for (const item of summary.skipped) console.log(`  skipped ${item.path}: ${item.reason}`);
      }
      return 0;
    });
  },
};
