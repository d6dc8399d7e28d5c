import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, realpath, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as vscode from 'vscode';
import { DashboardError } from '../../dashboards/dashboardError';
import type { DashboardService } from '../../dashboards/dashboardService';
import { storePathOf } from '../../core/store/runArtifactRoot';
import { artifactPathSegments } from '../../core/store/artifactStore';
import { describeEnvironmentDiff } from '../../core/launches/environmentDiff';
import type { EnvironmentDiffModel, HostActionResult } from '../../protocol/dashboards/hostActions';
import type { RunDashboardModel } from '../../protocol/dashboards/runRequests';
import { isRemoteAddress } from '../../protocol/runAddress';
import { Disposable } from '../disposable';
import { interpreterNowFor, runEnvironmentDiff } from '../launch/runEnvironment';
import { scriptOfRun } from '../launch/runFailure';
import { FileAtRunError, fileAtRun, locate } from '../../capture/gitFileAtRun';
import type { StoreAccess } from '../storeAccess';
import type { DashboardBackend } from './dashboardBackend';

/** Read-only documents holding a run's source file as it was: `runlens-source:/<run8>/<path>?<runId>`. */
export const runSourceScheme = 'runlens-source';

/**
 * The store holding a run, as the host actions reach it: in this window, or through the process
 * that owns it when the window is its guest (the owner is on this machine, so the store's artifact
 * files are read from its folder either way).
 */
export interface DashboardStore {
  /** Answers the dashboards' reads (run/get): this window's DashboardService or the owner's. */
  readonly backend: DashboardBackend;
  readonly access: StoreAccess;
  /** The workspace folder the store is in: where the runs' code is looked up in git. */
  readonly workspaceFolder: string | undefined;
  /** This window's DashboardService, which reads the added remote servers (in a guest window, only them). */
  readonly service?: DashboardService;
}

/** Largest remote artifact downloaded to open it in an editor. */
const maxRemoteArtifactBytes = 100 * 1024 * 1024;

/** How a run's code shows in an editor: as it was at the run, or, without a capture, the file as it is now. */
type SourceView = { readonly kind: 'asItWas'; readonly uri: vscode.Uri } | { readonly kind: 'current'; readonly uri: vscode.Uri; readonly why: string };

/**
 * What the dashboards ask VS Code itself to do: open a run's source as it was (the file at the run's
 * commit with the captured uncommitted diff applied), VS Code's diff editor between two runs' code,
 * the captured diff, and artifacts. A remote run's artifacts (its captured diff, a file to open) are
 * downloaded into a temporary folder of this window first; its code is looked up in the workspace's
 * git repository, which has it when the team shares the repository and the commit was fetched
 * (otherwise the error says to fetch it). In a guest window the same actions read the run through
 * the owner process and its artifact files from the store's folder; a remote run's, which the
 * owner does not read, this window reads from its server itself.
 */
export class DashboardHostActions extends Disposable implements vscode.TextDocumentContentProvider {
  private downloads: Promise<string> | undefined;

  constructor(
    /** The store holding a run (any folder's for a remote run, whose service reads remote servers). */
    private readonly owned: (runId: string) => Promise<DashboardStore>,
  ) {
    super();
    this.register(vscode.workspace.registerTextDocumentContentProvider(runSourceScheme, this));
    this.register({ dispose: () => void this.downloads?.then((dir) => rm(dir, { recursive: true, force: true }), () => undefined) });
  }

  async openSource(runId: string): Promise<HostActionResult> {
    const model = await this.run(runId);
    const view = await this.sourceView(model);
    const document = await vscode.workspace.openTextDocument(view.uri);
    await vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    const file = path.basename(view.uri.path);
    if (view.kind === 'current') return { message: `${view.why} Opened ${file} as it is now.` };
    const code = model.header.code;
    return { message: `Opened ${file} at ${code.commit?.slice(0, 8)}${model.patchPath ? ' with its uncommitted changes' : ''}.` };
  }

  async openDiff(runId: string, otherRunId: string | undefined): Promise<HostActionResult> {
    const left = await this.run(runId);
    if (otherRunId === undefined) return this.openCapturedDiff(left);
    const right = await this.run(otherRunId);
    const [leftView, rightView] = await Promise.all([this.sourceView(left), this.sourceView(right)]);
    const name = (model: RunDashboardModel) => model.header.name || model.header.runId.slice(0, 8);
    const title = `${path.basename(leftView.uri.path)} (${name(left)} ↔ ${name(right)})`;
    await vscode.commands.executeCommand('vscode.diff', leftView.uri, rightView.uri, title, { preview: true });
    const notes = [leftView, rightView].filter((v): v is Extract<SourceView, { kind: 'current' }> => v.kind === 'current').map((v) => v.why);
    return { message: notes.length > 0 ? `${notes.join(' ')} That side shows the file as it is now.` : `Comparing ${title}.` };
  }

  async openArtifact(runId: string, artifactPath: string): Promise<HostActionResult> {
    const file = isRemoteAddress(runId) ? await this.download(runId, artifactPath) : await this.localArtifact(runId, artifactPath);
    if ((await stat(file)).isDirectory()) {
      await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(file));
      return { message: `Revealed ${artifactPath}.` };
    }
    // vscode.open picks the editor: text, the image preview, or the binary-file prompt.
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file), { preview: true, viewColumn: vscode.ViewColumn.Beside });
    return { message: `Opened ${artifactPath}.` };
  }

  /** The content of a `runlens-source:` document. */
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const runId = uri.query;
    const model = await this.run(runId);
    const { commit, sourceFile } = model.header.code;
    const { workspaceFolder } = await this.owned(runId);
    if (!commit || !sourceFile || !workspaceFolder) throw new Error(`Run ${runId} has no captured code.`);
    const patch = model.patchPath ? await this.artifactOf(model, model.patchPath) : undefined;
    return fileAtRun({ cwd: workspaceFolder, commit, file: sourceFile, patch });
  }

  /** The run's packages, Python version and data against this machine's now (runs the interpreter: asked for, never on open). */
  async environmentDiff(runId: string): Promise<EnvironmentDiffModel> {
    if (isRemoteAddress(runId)) throw new DashboardError('invalidParams', "A remote run's environment is compared on the machine that ran it.");
    const { access, workspaceFolder } = await this.owned(runId);
    if (workspaceFolder === undefined) throw new DashboardError('notFound', 'The run is not in a workspace folder here.');
    const run = await access.call('getRun', { runId });
    const script = scriptOfRun(run, workspaceFolder) ?? workspaceFolder;
    const interpreter = await interpreterNowFor(run, vscode.Uri.file(script));
    const diff = await runEnvironmentDiff(access, run, interpreter.path, workspaceFolder);
    return { ...diff, interpreter: interpreter.path, sameInterpreter: interpreter.own, summary: describeEnvironmentDiff(diff) };
  }

  private async run(runId: string): Promise<RunDashboardModel> {
    const { backend } = await this.owned(runId);
    return backend.handle('run/get', { runId });
  }

  private async sourceView(model: RunDashboardModel): Promise<SourceView> {
    const { commit, sourceFile } = model.header.code;
    if (!sourceFile) throw new DashboardError('notFound', `Run ${model.header.name || model.header.runId} did not record its source file.`);
    const folder = (await this.owned(model.header.runId)).workspaceFolder;
    const current = vscode.Uri.file(path.resolve(folder ?? '', sourceFile));
    if (!commit) return { kind: 'current', uri: current, why: 'The run’s code capture is not there (yet).' };
    const location = folder ? await locate(sourceFile, folder).catch((error: unknown) => (FileAtRunError.is(error) ? undefined : Promise.reject(error))) : undefined;
    if (!location) return { kind: 'current', uri: current, why: `${path.basename(sourceFile)} is not in a git repository here.` };
    const uri = vscode.Uri.from({
      scheme: runSourceScheme,
      path: `/${commit.slice(0, 8)}/${location.inRepository}`,
      query: model.header.runId,
    });
    return { kind: 'asItWas', uri };
  }

  private async openCapturedDiff(model: RunDashboardModel): Promise<HostActionResult> {
    if (!model.patchPath) throw new DashboardError('notFound', 'This run captured no uncommitted changes.');
    const file = await this.artifactOf(model, model.patchPath);
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.languages.setTextDocumentLanguage(document, 'diff');
    await vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    return { message: `Opened the uncommitted changes captured with ${model.header.name || model.header.runId}.` };
  }

  /** A run's artifact as a file on disk: the store's own file, or a downloaded copy of a remote run's. */
  private async artifactOf(model: RunDashboardModel, artifactPath: string): Promise<string> {
    const runId = model.header.runId;
    if (isRemoteAddress(runId)) return this.download(runId, artifactPath);
    const { access } = await this.owned(runId);
    return this.artifactFile(access, model.header.artifactUri, artifactPath);
  }

  private async localArtifact(runId: string, artifactPath: string): Promise<string> {
    const { access } = await this.owned(runId);
    return this.artifactFile(access, (await access.call('getRun', { runId })).info.artifact_uri, artifactPath);
  }

  /** Downloads a remote run's artifact into this window's temporary folder (read-only use; removed on close). */
  private async download(runId: string, artifactPath: string): Promise<string> {
    const { service } = await this.owned(runId);
    if (!service) throw new DashboardError('unavailable', "No remote server is added in this window: open the remote run's artifacts from its server.");
    const file = await service.readArtifact(runId, artifactPath);
    if (file.size > maxRemoteArtifactBytes) {
      file.stream.destroy();
      throw new DashboardError('invalidParams', `${artifactPath} is ${(file.size / 1024 / 1024).toFixed(0)} MiB: RunLens opens remote artifacts up to ${maxRemoteArtifactBytes / 1024 / 1024} MiB; download it from the server.`);
    }
    this.downloads ??= mkdtemp(path.join(os.tmpdir(), 'runlens-remote-'));
    const runFolder = createHash('sha256').update(runId).digest('hex').slice(0, 16);
    const target = path.join(await this.downloads, runFolder, ...artifactPathSegments(artifactPath));
    await mkdir(path.dirname(target), { recursive: true });
    await pipeline(file.stream, createWriteStream(target));
    return target;
  }

  /** The artifact's file on disk, confined to the store's artifact folder (symlinks included). */
  private async artifactFile(access: StoreAccess, artifactUri: string, artifactPath: string): Promise<string> {
    const root = await realpath(access.artifactsRoot);
    const file = path.join(root, ...storePathOf(artifactUri, artifactPath).split('/'));
    const real = await realpath(file).catch(() => {
      throw new DashboardError('notFound', `No artifact ${artifactPath} in this run.`);
    });
    if (real !== root && !real.startsWith(root + path.sep)) throw new DashboardError('invalidParams', `The artifact ${artifactPath} leads outside the store.`);
    return real;
  }
}
