import * as vscode from 'vscode';
import { pushRuns, type PushSelection, type PushSummary } from '../../remote/push/pushRuns';
import type { RemoteServer } from '../../remote/client/remoteServer';
import { followOwnerJob } from '../../server/routes/guest/followOwnerJob';
import { pushJobPrefix, pushRequest, type PushUpdate } from '../../server/routes/pushRoute';
import { CommandId } from '../contributions';
import type { ModelsTreeNode } from '../models/modelsTreeNodes';
import type { RemoteServerEntry, RemoteServerRegistry } from '../remote/remoteServerRegistry';
import { ownerRequest } from '../ownerClient';
import { servingOwner, storeAccess } from '../runs/ownedStore';
import { runIdsOf } from '../runs/runTargets';
import { runLensLog } from '../runLensLog';
import type { StoreAccess } from '../storeAccess';
import type { Session, TrackingSession } from '../trackingSession';
import { pushProgressReporter, withCancellableProgress } from './importProgress';

/**
 * Pushes runs to a remote MLflow server: the runs the command was invoked on (a run or an
 * experiment in the Runs view), or an experiment chosen in a quick pick; the server is one of the
 * remote servers added to RunLens (credentials in SecretStorage), or a new one added on the way.
 */
export async function pushToRemoteCommand(
  session: TrackingSession,
  registry: RemoteServerRegistry,
  node?: unknown,
  selection?: unknown,
): Promise<PushSummary | undefined> {
  const access = await storeAccess(session);
  const what = selectionOf(node, selection) ?? (await chooseExperiment(access));
  return what && (await pushChosen(await session.session(), registry, what));
}

/**
 * "Promote to Remote Server…": the registered model clicked in the Models view (or of the version
 * clicked), or one chosen in a quick pick, pushed with its versions, their runs and logged models,
 * stages, aliases, tags and descriptions, so the team's server has it.
 */
export async function promoteModelCommand(session: TrackingSession, registry: RemoteServerRegistry, node?: unknown): Promise<PushSummary | undefined> {
  const access = await storeAccess(session);
  const name = modelNameOf(node) ?? (await chooseModel(access));
  return name === undefined ? undefined : await pushChosen(await session.session(), registry, { models: [name] });
}

async function pushChosen(opened: Session, registry: RemoteServerRegistry, what: PushSelection): Promise<PushSummary | undefined> {
  const push = pushWhereTheStoreIs(opened);
  const entry = await chooseServer(registry);
  if (!entry) return undefined;
  const server = await registry.connection(entry.url);

  const summary = await withCancellableProgress(`RunLens: pushing to ${entry.name}`, (signal, progress) =>
    push(what, server, { signal, onProgress: pushProgressReporter(progress) }),
  );
  if (!summary) {
    runLensLog().info(`Push to ${entry.url} cancelled; pushing again resumes where it stopped.`);
    void vscode.window.showInformationMessage('RunLens: push cancelled. Pushing again resumes where it stopped.');
    return undefined;
  }
  const log = runLensLog();
  log.info(report(entry, summary));
  const { runs, models, counts } = summary;
  const failed = runs.failed + models.failed;
  const headline =
    `RunLens: pushed to ${entry.name}: ${runs.pushed} runs updated (${counts.runsCreated} new), ${runs.upToDate} already up to date, ` +
    `${counts.metricPoints.toLocaleString('en-US')} metric points, ${counts.files} artifact files` +
    (models.pushed > 0 ? `, ${models.pushed} registered models (${counts.modelVersionsCreated} new versions)` : '') +
    (failed > 0 ? `; ${failed} failed` : '') +
    (summary.interrupted ? '. The server stopped answering: push again to resume.' : '.');
  const show = failed > 0 ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  void show(headline, 'Show Report').then((choice) => choice && log.show(true));
  return summary;
}

type Pusher = (what: PushSelection, server: RemoteServer, options: { readonly signal: AbortSignal; readonly onProgress: (update: PushUpdate) => void }) => Promise<PushSummary>;

/**
 * The push from this window's store, or by the process that owns the store (only the owner writes
 * it, and a push records each run's remote copy in its tags); the credentials go to it over loopback.
 */
function pushWhereTheStoreIs(opened: Session): Pusher {
  if (opened.kind === 'owner') {
    const { tracking, artifacts, registry } = opened.store;
    return (what, server, options) => pushRuns({ tracking, artifacts, registry }, what, server, options);
  }
  const { endpoint } = servingOwner(opened);
  return (what, server, options) => followOwnerJob((route, body) => ownerRequest(endpoint, route, body), pushJobPrefix, pushRequest(server, what), options);
}

function selectionOf(node: unknown, selection: unknown): PushSelection | undefined {
  const runIds = runIdsOf(node, selection);
  if (runIds.length > 0) return { runIds };
  const experiment = node as { kind?: string; experimentId?: string } | undefined;
  if (experiment?.kind === 'experiment' && experiment.experimentId !== undefined) return { experiments: [experiment.experimentId] };
  return undefined;
}

function modelNameOf(node: unknown): string | undefined {
  const clicked = node as ModelsTreeNode | undefined;
  if (clicked?.kind === 'model') return clicked.model.name;
  if (clicked?.kind === 'version') return clicked.parent.model.name;
  return undefined;
}

async function chooseModel(access: StoreAccess): Promise<string | undefined> {
  const models = await access.call('registeredModels', { limit: 1000 });
  if (models.length === 0) {
    void vscode.window.showInformationMessage('RunLens: there is no registered model to promote yet. Register a run\'s model first.');
    return undefined;
  }
  const chosen = await vscode.window.showQuickPick(
    models.map((model) => ({ label: model.name, description: model.latestVersions.map((v) => `v${v.version} ${v.currentStage}`).join(', ') })),
    { title: 'Promote to Remote Server', placeHolder: 'The registered model to push with its versions' },
  );
  return chosen?.label;
}

async function chooseExperiment(access: StoreAccess): Promise<PushSelection | undefined> {
  const experiments = await access.call('experimentsWithRuns', { query: { filter: '', sort: { field: 'attributes.start_time', ascending: false }, showDeleted: false } });
  const total = experiments.reduce((sum, e) => sum + e.runCount, 0);
  const chosen = await vscode.window.showQuickPick(
    [
      { label: 'All experiments', description: `${total} active runs`, selection: {} as PushSelection },
      ...experiments.map((e) => ({
        label: e.name,
        description: `${e.runCount} active runs`,
        selection: { experiments: [e.experimentId] } as PushSelection,
      })),
    ],
    { title: 'Push Runs to Remote Server', placeHolder: 'Which runs to push' },
  );
  return chosen?.selection;
}

async function chooseServer(registry: RemoteServerRegistry): Promise<RemoteServerEntry | undefined> {
  const add = { label: '$(add) Add a remote MLflow server…', entry: undefined };
  const chosen = await vscode.window.showQuickPick(
    [...registry.servers().map((entry) => ({ label: entry.name, description: entry.url, entry })), add],
    { title: 'Push Runs to Remote Server', placeHolder: 'The MLflow tracking server to push to' },
  );
  if (!chosen) return undefined;
  // Adding asks for the URL and the credentials, which go to SecretStorage, never to settings.
  return chosen.entry ?? (await vscode.commands.executeCommand<RemoteServerEntry | undefined>(CommandId.AddRemoteServer));
}

function report(entry: RemoteServerEntry, summary: PushSummary): string {
  const { counts } = summary;
  const lines = [
    `Pushed to ${entry.name} (${summary.server}) in ${(summary.durationMs / 1000).toFixed(1)} s`,
    `  runs: ${summary.runs.pushed} updated, ${counts.runsCreated} created, ${summary.runs.upToDate} up to date, ${summary.runs.failed} failed`,
    `  sent: ${counts.metricPoints} metric points, ${counts.params} params, ${counts.tags} tags, ${counts.files} files (${counts.bytes} bytes), ${counts.loggedModelsCreated} logged models`,
    `  registry: ${summary.models.pushed} models pushed (${counts.registeredModelsCreated} created, ${counts.modelVersionsCreated} versions created), ${summary.models.failed} failed`,
  ];
  for (const note of summary.notes) lines.push(`  note: ${note.subject}: ${note.message}`);
  for (const failure of summary.failures) lines.push(`  failed: ${failure.subject}: ${failure.reason}`);
  return lines.join('\n');
}
