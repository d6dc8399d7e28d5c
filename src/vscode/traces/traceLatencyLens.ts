import * as vscode from 'vscode';
import { findFunctionDefinitions, median } from '../../core/traces/functionLocator';
import { CommandId } from '../contributions';
import { Disposable } from '../disposable';
import type { StoreAccess } from '../storeAccess';
import type { TrackingSession } from '../trackingSession';
import { formatLatency } from './traceFormat';

/** Spans a latency figure is taken over: the latest ones of the function. */
const latestSpans = 50;
/** How often the figures are read again while traces arrive. */
const refreshMs = 2000;

/**
 * A CodeLens above each function that traces recorded (`@mlflow.trace`): its median latency over
 * its latest spans ("p50 120 ms over its last 50 calls"). A click lists its traces in the Runs
 * view (the trace filter `span.name = '<function>'`). Ranges are found cheaply from the function
 * names the store knows; the figure is computed when VS Code resolves the lens. Both are read
 * through the store's access (in process, or from the process that owns the store when this window
 * is its guest) and kept until the store changes: VS Code asks for lenses again on every edit.
 */
export class TraceLatencyLens extends Disposable implements vscode.CodeLensProvider {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;
  private refresh: NodeJS.Timeout | undefined;
  private reads: LatencyReads | undefined;

  constructor(private readonly session: TrackingSession) {
    super();
    this.register(vscode.languages.registerCodeLensProvider({ language: 'python' }, this));
    // Traces arrive while an app runs: read the figures again, at most every two seconds.
    this.register(
      session.onDidChange((changes) => {
        if (!changes.touches('traces')) return;
        this.refresh ??= setTimeout(() => {
          this.refresh = undefined;
          this.reads = undefined;
          this.changed.fire();
        }, refreshMs);
      }),
    );
    this.register({ dispose: () => clearTimeout(this.refresh) });
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const names = await (await this.storeReads())?.functionNames().catch(() => undefined);
    if (names === undefined || names.size === 0) return [];
    return findFunctionDefinitions(document.getText(), names).map(({ name, line }) => {
      const lens = new vscode.CodeLens(new vscode.Range(line, 0, line, 0));
      (lens as vscode.CodeLens & { functionName?: string }).functionName = name;
      return lens;
    });
  }

  async resolveCodeLens(lens: vscode.CodeLens & { functionName?: string }): Promise<vscode.CodeLens> {
    const name = lens.functionName ?? '';
    const latencies = (await (await this.storeReads())?.latenciesOf(name).catch(() => undefined)) ?? [];
    const p50 = median(latencies);
    lens.command = {
      title: p50 === undefined ? 'no traces yet' : `$(pulse) p50 ${formatLatency(p50)} over its last ${latencies.length} call${latencies.length === 1 ? '' : 's'}`,
      // One trace may call the function many times: the figure is over its spans (calls), not traces.
      tooltip: `Median latency of ${name}() in its latest spans; click to list its traces in the Runs view`,
      command: CommandId.FilterTraces,
      arguments: [`span.name = '${name}'`],
    };
    return lens;
  }

  /** The reads of the store this window has open, as owner or guest; never opens one just for a lens. */
  private async storeReads(): Promise<LatencyReads | undefined> {
    if (!this.session.storeExists()) return undefined;
    const access = (await this.session.openedSession())?.access;
    if (access === undefined) return undefined;
    if (this.reads?.access !== access) this.reads = new LatencyReads(access);
    return this.reads;
  }
}

/** What the lenses read of one store, each read once; a read that failed (the owner is restarting) is tried again next time. */
class LatencyReads {
  private names: Promise<ReadonlySet<string>> | undefined;
  private readonly latencies = new Map<string, Promise<readonly number[]>>();

  constructor(readonly access: StoreAccess) {}

  functionNames(): Promise<ReadonlySet<string>> {
    this.names ??= this.access.call('tracedFunctionNames', {}).then(
      ({ names }) => new Set(names),
      (error: unknown) => {
        this.names = undefined;
        throw error;
      },
    );
    return this.names;
  }

  latenciesOf(functionName: string): Promise<readonly number[]> {
    let read = this.latencies.get(functionName);
    if (read === undefined) {
      read = this.access.call('functionLatencies', { functionName, limit: latestSpans }).then(
        ({ latencies }) => latencies,
        (error: unknown) => {
          this.latencies.delete(functionName);
          throw error;
        },
      );
      this.latencies.set(functionName, read);
    }
    return read;
  }
}
