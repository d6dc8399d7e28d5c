import path from 'node:path';
import * as vscode from 'vscode';
import { importMlflowData, type ImportOptions, type ImportSummary, type ImportUpdate } from '../../importers/importMlflowData';
import { importHeadline, importReport } from '../../importers/importSummaryText';
import { findMlflowData } from '../../importers/mlflowSource';
import { followOwnerJob } from '../../server/routes/guest/followOwnerJob';
import { importJobPrefix, type ImportJobRequest } from '../../server/routes/guest/guestImportRoutes';
import { ownerRequest } from '../ownerClient';
import { servingOwner } from '../runs/ownedStore';
import { runLensLog } from '../runLensLog';
import type { Session, TrackingSession } from '../trackingSession';
import type { ImportNotices } from './importNotices';
import { importProgressReporter, withCancellableProgress } from './importProgress';

/** What the command takes to skip its prompts (the offer, tests): a path, or a path and the artifact mode. */
export type ImportArgument = string | vscode.Uri | { readonly path: string; readonly artifacts?: 'copy' | 'reference' };

interface SourceItem extends vscode.QuickPickItem {
  readonly choose: () => Promise<string | undefined>;
}

/**
 * Imports an mlruns/ folder or an mlflow.db into the workspace's store, with a cancellable progress
 * notification and a summary at the end (the full report in the RunLens log): in this window when
 * it owns the store, else by the process that owns it, which this window follows. Returns the
 * summary, or undefined when dismissed or cancelled.
 */
export async function importMlflowDataCommand(
  session: TrackingSession,
  notices: ImportNotices,
  argument?: ImportArgument,
): Promise<ImportSummary | undefined> {
  // A guest learns before any prompt whether the owner serves the store yet.
  const importHere = importWhereTheStoreIs(await session.session());
  const given = givenSource(argument);
  const source = given?.path ?? (await chooseSource(session.folder));
  if (!source) return undefined;
  const artifacts = given?.artifacts ?? (given ? 'copy' : await chooseArtifactMode());
  if (!artifacts) return undefined;

  const summary = await withCancellableProgress('RunLens: importing MLflow data', (signal, progress) => {
    const report = importProgressReporter(progress);
    const onProgress = (update: ImportUpdate) => {
      report(update);
      notices.progress(update);
    };
    return importHere(source, { artifacts, signal, onProgress });
  });
  if (!summary) {
    runLensLog().info(`Import of ${source} cancelled; nothing was imported.`);
    void notices.show('cancelled', 'RunLens: import cancelled; nothing was imported.');
    return undefined;
  }
  const log = runLensLog();
  log.info(importReport(summary));
  void notices
    .show('summary', `RunLens: ${importHeadline(summary)}`, { warning: summary.skipped.length > 0 }, 'Show Report')
    .then((choice) => choice && log.show(true));
  return summary;
}

type Importer = (source: string, options: Required<Pick<ImportOptions, 'artifacts' | 'signal' | 'onProgress'>>) => Promise<ImportSummary>;

/** The import in this window's store, or by the process that owns the store. */
function importWhereTheStoreIs(opened: Session): Importer {
  if (opened.kind === 'owner') {
    const { tracking, artifacts } = opened.store;
    return (source, options) => importMlflowData({ tracking, artifacts }, source, options);
  }
  const { endpoint } = servingOwner(opened);
  return (source, options) => {
    // The owner runs on this machine and reads the source where this window found it, by its absolute path.
    const request: ImportJobRequest = { source: path.resolve(source), artifacts: options.artifacts };
    return followOwnerJob((route, body) => ownerRequest(endpoint, route, body), importJobPrefix, request, options);
  };
}

/** The source and artifact mode an argument gives, if any. */
export function givenSource(argument: ImportArgument | undefined): { readonly path: string; readonly artifacts?: 'copy' | 'reference' } | undefined {
  return typeof argument === 'string' ? { path: argument } : argument instanceof vscode.Uri ? { path: argument.fsPath } : argument;
}

async function chooseSource(folder: vscode.WorkspaceFolder | undefined): Promise<string | undefined> {
  const found = folder ? findMlflowData(folder.uri.fsPath) : [];
  const items: SourceItem[] = [
    ...found.map((source) => ({
      label: vscode.workspace.asRelativePath(source.path),
      description: source.format === 'mlruns' ? 'MLflow file store in this workspace' : 'MLflow SQLite database in this workspace',
      choose: async () => source.path,
    })),
    {
      label: '$(folder-opened) Choose an mlruns/ folder…',
      choose: () => pick({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Import mlruns/' }),
    },
    {
      label: '$(database) Choose an mlflow.db file…',
      choose: () => pick({ canSelectFolders: false, canSelectFiles: true, openLabel: 'Import mlflow.db', filters: { 'MLflow database': ['db', 'sqlite'], 'All files': ['*'] } }),
    },
  ];
  const chosen = await vscode.window.showQuickPick(items, { title: 'Import MLflow Data', placeHolder: 'What to import into this workspace’s RunLens store' });
  return chosen?.choose();
}

async function pick(options: vscode.OpenDialogOptions): Promise<string | undefined> {
  const uris = await vscode.window.showOpenDialog({ ...options, canSelectMany: false, title: 'Import MLflow Data' });
  return uris?.[0]?.fsPath;
}

async function chooseArtifactMode(): Promise<'copy' | 'reference' | undefined> {
  const chosen = await vscode.window.showQuickPick(
    [
      { label: 'Copy artifacts into the workspace store', description: 'recommended: the runs keep their files whatever happens to the source', mode: 'copy' as const },
      { label: 'Leave artifacts where they are', description: 'the runs point at the files in the source folder', mode: 'reference' as const },
    ],
    { title: 'Import MLflow Data: artifacts' },
  );
  return chosen?.mode;
}
