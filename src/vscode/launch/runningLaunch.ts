import { statSync } from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import * as vscode from 'vscode';
import { formatCommandLine } from '../../capture/commandLine';
import type { Run } from '../../core/entities';
import type { LaunchRecorder } from '../../core/launches/launchRecorder';
import type { EndedLaunch } from '../../core/launches/launchService';
import { LaunchArtifact } from '../../core/launches/launchTags';
import { Disposable } from '../disposable';
import type { LaunchCommand } from '../../supervisor/launchedProcess';
import { OutputTail } from '../../supervisor/outputTail';
import { SupervisedProcess } from '../../supervisor/supervisedProcess';
import { terminalSummary } from '../../core/launches/launchSummary';
import { LaunchTerminal } from './launchTerminal';
import { LineDiscipline } from '../../core/launches/terminalInput';

export interface RunningLaunchOptions {
  readonly launchId: string;
  /** The script as the person knows it: its workspace-relative path. */
  readonly label: string;
  /** The store's launches, or the launch's remote server. */
  readonly launches: LaunchRecorder;
  readonly command: LaunchCommand;
  /** The supervisor's bundle (dist/supervisor.js) and `.runlens/supervised/`, where it keeps its state. */
  readonly supervisor: { readonly entryScript: string; readonly supervisedDir: string };
  /** The port of the workspace's tracking server the script logs to; absent for a remote server. */
  readonly trackingPort?: number;
  /** A line for the terminal before the command: where the runs go, when that is not the workspace. */
  readonly banner?: string;
  /** The remote server the runs go to, by name; absent for the workspace. */
  readonly logsTo?: string;
  /** Where the run goes when the script creates none. */
  readonly fallbackExperiment: string;
  /** How often the growing output log is copied to the runs, for a live view of it. */
  readonly publishIntervalMs?: number;
  readonly stopGraceMs?: number;
}

/** How a launch ended, and, when its process never ran, why. */
export interface LaunchReport {
  readonly label: string;
  readonly ended: EndedLaunch;
  readonly notStarted?: string;
}

const defaultPublishIntervalMs = 5000;
const dim = (text: string) => `\x1b[2m${text}\x1b[0m`;

/** How much of the output log a window that reattaches shows of what was printed before it came. */
const reattachShownBytes = 64 * 1024;

/**
 * One launched script while it runs, as this window sees it: its process runs under a supervisor
 * process of its own (which writes the output log and records the end), so the script outlives a
 * window reload or an extension host crash. The window shows the output log in a terminal, forwards
 * input and Stop, and ends the launch record with the outcome; a later window reattaches.
 */
export class RunningLaunch extends Disposable {
  readonly launchId: string;
  readonly label: string;
  readonly startedAt: number;
  /** Resolves once the launch record is ended and every run has its final output log. */
  readonly ended: Promise<LaunchReport>;
  private readonly terminal: LaunchTerminal;
  private readonly tail: OutputTail;
  private readonly outputLog: string;
  private exited = false;
  private left = false;
  private readonly launches: LaunchRecorder;
  private readonly publishTimer: NodeJS.Timeout;
  private readonly renamed = this.register(new vscode.EventEmitter<void>());
  /** Fires when the launch learns its run's name. */
  readonly onDidChange = this.renamed.event;
  private published = 0;
  private publishing: Promise<void> | undefined;
  private firstRun: Run | undefined;

  /** Starts the script under its supervisor; rejects when the supervisor could not be started. */
  static async start(options: RunningLaunchOptions): Promise<RunningLaunch> {
    const process = await SupervisedProcess.start({
      entryScript: options.supervisor.entryScript,
      supervisedDir: options.supervisor.supervisedDir,
      launchId: options.launchId,
      command: options.command,
      outputLog: options.launches.filePath(options.launchId, LaunchArtifact.OutputLog),
      ...(options.trackingPort !== undefined ? { trackingPort: options.trackingPort } : {}),
      ...(options.stopGraceMs !== undefined ? { stopGraceMs: options.stopGraceMs } : {}),
    });
    options.launches.setPid(options.launchId, process.supervisorPid);
    return new RunningLaunch(options, process, 0);
  }

  /** A script a previous window launched, still running under its supervisor: this window takes it over. */
  static reattach(options: Omit<RunningLaunchOptions, 'command'>, process: SupervisedProcess): RunningLaunch {
    const outputLog = options.launches.filePath(options.launchId, LaunchArtifact.OutputLog);
    const size = fileSize(outputLog);
    return new RunningLaunch(options, process, Math.max(0, size - reattachShownBytes));
  }

  private constructor(
    private readonly options: Omit<RunningLaunchOptions, 'command'> & { readonly command?: LaunchCommand },
    private readonly process: SupervisedProcess,
    shownFrom: number,
  ) {
    super();
    this.launchId = options.launchId;
    this.label = options.label;
    this.launches = options.launches;
    this.startedAt = process.state.startedAt;
    this.outputLog = this.launches.filePath(this.launchId, LaunchArtifact.OutputLog);
    const input = new LineDiscipline({
      echo: (text) => this.terminal.write(text),
      send: (line) => this.process.write(line),
      interrupt: () => this.process.interrupt(),
      endInput: () => this.process.endInput(),
    });
    this.terminal = new LaunchTerminal(`RunLens: ${options.label}`, {
      input: (data) => input.handle(data),
      // Unless the window is going away: then the script goes on without it.
      closed: () => this.left || this.stop('Its terminal was closed.'),
    });
    if (options.banner) this.terminal.write(`${dim(options.banner)}\n`);
    if (options.command) this.terminal.write(`${dim(`$ ${shownCommand(options.command)}`)}\n`);
    else this.terminal.write(`${dim(`RunLens: reattached to ${options.label} (process ${process.pid ?? '?'}), still running after the window reloaded`)}\n`);
    const decoder = new StringDecoder('utf8');
    this.tail = new OutputTail(this.outputLog, (chunk) => this.terminal.write(decoder.write(chunk)), { offset: shownFrom });
    this.register(
      this.launches.onRunCreated((launchId, run) => {
        if (launchId !== this.launchId || this.firstRun) return;
        this.firstRun = run;
        this.terminal.rename(`RunLens: ${run.info.run_name}`);
        this.renamed.fire();
      }),
    );
    this.publishTimer = setInterval(() => void this.publishLog(), options.publishIntervalMs ?? defaultPublishIntervalMs);
    this.ended = this.finish();
  }

  /** The remote server the runs go to, by name; undefined for the workspace. */
  get logsTo(): string | undefined {
    return this.options.logsTo;
  }

  /** The script's pid, the leader of its process group. */
  get pid(): number | undefined {
    return this.process.pid;
  }

  /** The name of the first run the script created, once it has. */
  get runName(): string | undefined {
    return this.firstRun?.info.run_name;
  }

  get running(): boolean {
    return !this.exited;
  }

  show(): void {
    this.terminal.terminal.show();
  }

  /** Closes the terminal (the launch ended: its output is in the runs' output log). */
  closeTerminal(): void {
    this.terminal.dispose();
  }

  /** Stop: SIGTERM to the process group, then SIGKILL after the grace period; the runs end KILLED. */
  stop(reason: string): void {
    this.process.stop(reason);
  }

  /**
   * The window goes away (reload, VS Code closing): the script goes on under its supervisor, its
   * launch stays RUNNING, and the next window to open the store reattaches and records its end.
   */
  leave(): void {
    this.left = true;
    this.process.detach();
    this.tail.dispose();
  }

  private async finish(): Promise<LaunchReport> {
    const ending = await this.process.ended;
    this.exited = true;
    clearInterval(this.publishTimer);
    await this.publishing;
    await this.tail.close();
    if (ending.kind === 'notStarted') this.terminal.write(`RunLens could not start the script: ${ending.reason}\n`);
    const ended = await this.launches.end(this.launchId, ending, { fallbackExperiment: this.options.fallbackExperiment });
    this.process.remove();
    this.terminal.write(`\n${dim(terminalSummary(ended))}\n`);
    return { label: this.label, ended, ...(ending.kind === 'notStarted' ? { notStarted: ending.reason } : {}) };
  }

  /** Copies the output log so far to the runs, at most one copy at a time and only when it grew. */
  private publishLog(): Promise<void> | undefined {
    const bytes = fileSize(this.outputLog);
    if (this.publishing || bytes === this.published) return undefined;
    this.publishing = this.launches
      .publishFile(this.launchId, LaunchArtifact.OutputLog)
      .then(() => {
        this.published = bytes;
      })
      .finally(() => (this.publishing = undefined));
    return this.publishing;
  }

  override dispose(): void {
    clearInterval(this.publishTimer);
    this.tail.dispose();
    super.dispose();
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** The command as a line to read: the script relative to the working folder when it lies inside it. */
function shownCommand({ executable, args, cwd }: LaunchCommand): string {
  const [script, ...rest] = args;
  const relative = script === undefined ? undefined : path.relative(cwd, script);
  const shown = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : script;
  return formatCommandLine(executable, shown === undefined ? rest : [shown, ...rest]);
}
