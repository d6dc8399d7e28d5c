import * as vscode from 'vscode';
import { traceFilterProblem } from '../../core/search/traceSearch';
import { CommandId } from '../contributions';
import type { DashboardPanels } from '../dashboards/dashboardPanels';
import { withErrorMessage } from '../errorBoundary';

const filterExamples = "status = 'ERROR', tags.env = 'prod', execution_time_ms > 1000, span.name = 'llm_call', feedback.helpfulness = 'true'";

/** A trace id from an id or a trace node of the Runs view. */
export function traceIdOf(argument: unknown): string | undefined {
  if (typeof argument === 'string' && argument !== '') return argument;
  const trace = (argument as { kind?: unknown; trace?: { traceId?: unknown } } | undefined)?.trace;
  return typeof trace?.traceId === 'string' ? trace.traceId : undefined;
}

/** Where the Runs view keeps its trace filter (every folder's Traces groups). */
interface TraceFilterHolder {
  readonly traceFilter: string;
  setTraceFilter(filter: string): void;
}

/** Opening a trace in the viewer, comparing two, and the Runs view's trace filter. */
export function registerTraceCommands(panels: DashboardPanels, model: TraceFilterHolder): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandId.OpenTrace, (argument?: unknown) =>
      withErrorMessage('open the trace', async () => {
        const traceId = traceIdOf(argument) ?? (await vscode.window.showInputBox({ title: 'Open Trace', prompt: 'Trace id (tr-…)' }))?.trim();
        if (traceId) panels.open({ kind: 'trace', traceId });
      }),
    ),
    vscode.commands.registerCommand(CommandId.CompareTraces, (argument?: unknown, selection?: unknown) =>
      withErrorMessage('compare traces', async () => {
        const picked = Array.isArray(selection) ? selection.map(traceIdOf).filter((id): id is string => id !== undefined) : [];
        const first = picked[0] ?? traceIdOf(argument);
        const second = picked[1] ?? (await vscode.window.showInputBox({ title: 'Compare Trace With…', prompt: 'The other trace id (tr-…)' }))?.trim();
        if (first && second) panels.open({ kind: 'trace', traceId: first, compareTo: second });
      }),
    ),
    vscode.commands.registerCommand(CommandId.FilterTraces, (filter?: unknown) =>
      withErrorMessage('filter the traces', async () => {
        const chosen =
          typeof filter === 'string'
            ? filter
            : await vscode.window.showInputBox({
                title: 'Filter Traces',
                prompt: `MLflow's trace filter, e.g. ${filterExamples} (empty: all traces)`,
                value: model.traceFilter,
                validateInput: (value) => traceFilterProblem(value.trim()),
              });
        if (chosen === undefined) return false;
        const problem = traceFilterProblem(chosen.trim());
        if (problem) {
          void vscode.window.showErrorMessage(`RunLens: the trace filter cannot be used: ${problem}`);
          return false;
        }
        model.setTraceFilter(chosen.trim());
        return true;
      }),
    ),
    vscode.commands.registerCommand(CommandId.ClearTraceFilter, () => model.setTraceFilter('')),
  ];
}
