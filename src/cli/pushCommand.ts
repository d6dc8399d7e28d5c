import { parseArgs } from 'node:util';
import { pushRuns, type PushSummary } from '../remote/push/pushRuns';
import type { RemoteServer } from '../remote/client/remoteServer';
import type { Command } from './command';
import { pushThroughOwner } from './pushThroughOwner';
import { openWorkspaceStoreOrOwner, progressPrinter, runInterruptible, withStore } from './storeCommandSupport';

const usage = `Usage: runlens push --to URL [--dir WORKSPACE] [--token TOKEN] [--experiment NAME|ID]... [--run ID]... [--model NAME]... [--json]

  --to URL            the MLflow tracking server, e.g. https://mlflow.example.com
  --dir WORKSPACE     the workspace whose runs are pushed (default: the current folder)
  --token TOKEN       bearer token (default: $MLFLOW_TRACKING_TOKEN; prefer the variable, a
                      command line is visible to other users). Without a token,
                      $MLFLOW_TRACKING_USERNAME and $MLFLOW_TRACKING_PASSWORD give basic auth.
  --experiment X      push the active runs of this experiment (name or id); repeat for several
  --run ID            push this run; repeat for several
  --model NAME        push this registered model with its versions, stages, aliases and tags (and the
                      runs and logged models its versions come from); repeat for several.
                      Default: every active run and every registered model
  --json              print the summary as JSON

Pushing again sends only what is new; a push that was interrupted resumes where it stopped.
While a VS Code window (or runlens serve) has the workspace open, that process pushes for you.`;

export const pushCommand: Command = {
  name: 'push',
  summary: 'push runs (params, tags, metric histories, artifacts, logged models) and registered models to a remote MLflow server',
  usage,
  async run(args) {
    let parsed: { to: string; dir: string; experiments: string[]; runs: string[]; models: string[]; json: boolean; token?: string };
    try {
      const { values, positionals } = parseArgs({
        args: [...args],
        options: {
          to: { type: 'string' },
          dir: { type: 'string' },
          token: { type: 'string' },
          experiment: { type: 'string', multiple: true },
          run: { type: 'string', multiple: true },
          model: { type: 'string', multiple: true },
          json: { type: 'boolean' },
        },
        allowPositionals: true,
        strict: true,
      });
      if (positionals.length > 0) throw new Error(`unexpected argument '${positionals[0]}'`);
      if (!values.to) throw new Error('--to URL is required');
      if (values.experiment && values.run) throw new Error('give --experiment or --run, not both');
      parsed = {
        to: values.to,
        dir: values.dir ?? '.',
        experiments: values.experiment ?? [],
        runs: values.run ?? [],
        models: values.model ?? [],
        json: values.json === true,
        token: values.token,
      };
    } catch (error) {
      console.error(`runlens push: ${(error as Error).message}\n\n${usage}`);
      return 2;
    }
    const server = serverFrom(parsed.to, parsed.token);
    return runInterruptible('push', 'push again to resume where it stopped.', async (signal) => {
      const opened = await openWorkspaceStoreOrOwner(parsed.dir, { mustExist: true });
      const summary: PushSummary =
        opened.kind === 'owner'
          ? await pushThroughOwner(opened, server, parsed, signal)
          : await withStore(opened.store, (store) =>
              pushRuns(
                { tracking: store.tracking, artifacts: store.artifacts, registry: store.registry },
                { runIds: parsed.runs, experiments: parsed.experiments, models: parsed.models },
                server,
                { signal, onProgress: progressPrinter('runlens push:') },
              ),
            );
      console.log(parsed.json ? JSON.stringify(summary, null, 2) : report(summary));
      return summary.failures.length > 0 ? 1 : 0;
    });
  },
};

function serverFrom(url: string, token: string | undefined): RemoteServer {
  const env = process.env;
  const bearer = token ?? env.MLFLOW_TRACKING_TOKEN;
  if (bearer) return { url, token: bearer };
  if (env.MLFLOW_TRACKING_USERNAME) return { url, username: env.MLFLOW_TRACKING_USERNAME, password: env.MLFLOW_TRACKING_PASSWORD ?? '' };
  return { url };
}

function report(summary: PushSummary): string {
  const { counts, runs } = summary;
  const lines = [
    `Pushed to ${summary.server} in ${(summary.durationMs / 1000).toFixed(1)} s: ${runs.pushed} runs updated, ${runs.upToDate} already up to date, ${runs.failed} failed`,
    `  ${counts.runsCreated} runs created, ${counts.metricPoints} metric points, ${counts.params} params, ${counts.tags} tags, ` +
      `${counts.files} artifact files (${counts.bytes} bytes), ${counts.loggedModelsCreated} logged models created`,
    `  ${summary.models.pushed} registered models pushed (${counts.registeredModelsCreated} created, ${counts.modelVersionsCreated} versions created), ${summary.models.failed} failed`,
  ];
  for (const note of summary.notes) lines.push(`  note: ${note.subject}: ${note.message}`);
  for (const failure of summary.failures) lines.push(`  failed: ${failure.subject}: ${failure.reason}`);
  if (summary.interrupted) lines.push('The server stayed unreachable; run the same push again to resume where it stopped.');
  return lines.join('\n');
}
