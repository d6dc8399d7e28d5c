import * as vscode from 'vscode';
import { findFunctionDefinitions, median } from '../../core/traces/functionLocator';
import { CommandId } from '../contributions';
import { Disposable } from '../disposable';
import type { StoreAccess } from '../storeAccess';
import type { TrackingSession } from '../trackingSession';
import { formatLatency } from './traceFormat';

/** Spans a latency figure is taken over: the latest ones of the function. */
const latestSpans = 50;

/**
 * A CodeLens above each function that traces recorded (`@mlflow.trace`): its median latency over
 * its latest spans ("p50 120 ms over its last 50 calls"). A click lists its traces in the Runs
 * view (the trace filter `span.name = '<function>'`). Ranges are found cheaply from the function
 * names the store knows; the figure is computed when VS Code resolves the lens.
 */
export class TraceLatencyLens extends Disposable implements vscode.CodeLensProvider {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;
  private refresh: NodeJS.Timeout | undefined;

  constructor(private readonly session: TrackingSession) {
    super();
    this.register(vscode.languages.registerCodeLensProvider({ language: 'python' }, this));
    // Traces arrive while an app runs: refresh the figures, at most every two seconds.
    this.register(
      session.onDidChange(() => {
        this.refresh ??= setTimeout(() => {
          this.refresh = undefined;
          this.changed.fire();
        }, 2000);
      }),
    );
    this.register({ dispose: () => clearTimeout(this.refresh) });
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const access = await this.access();
    if (access === undefined) return [];
    const names = new Set(await access.call('tracedFunctionNames', {}));
    if (names.size === 0) return [];
    return findFunctionDefinitions(document.getText(), names).map(({ name, line }) => {
      const lens = new vscode.CodeLens(new vscode.Range(line, 0, line, 0));
      (lens as vscode.CodeLens & { functionName?: string }).functionName = name;
      return lens;
    });
  }

  async resolveCodeLens(lens: vscode.CodeLens & { functionName?: string }): Promise<vscode.CodeLens> {
    const access = await this.access();
    const name = lens.functionName ?? '';
    const latencies = (await access?.call('functionLatencies', { functionName: name, limit: latestSpans })) ?? [];
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

  /** The store when this window has opened it (its own, or its owner's over loopback); never opens one just for a lens. */
  private async access(): Promise<StoreAccess | undefined> {
    if (!this.session.storeExists()) return undefined;
    return (await this.session.openedSession())?.access;
  }
}
