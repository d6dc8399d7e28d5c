import * as vscode from 'vscode';
import { ColorId, CommandId } from '../contributions';
import { relativeTime } from '../runs/runFormat';
import { formatLatency, traceDescription } from './traceFormat';
import type { TraceNode, TracesNode } from './traceTreeNodes';

const stateIcons: Readonly<Record<string, vscode.ThemeIcon>> = {
  OK: new vscode.ThemeIcon('pass', new vscode.ThemeColor(ColorId.RunFinished)),
  ERROR: new vscode.ThemeIcon('error', new vscode.ThemeColor(ColorId.RunFailed)),
  IN_PROGRESS: new vscode.ThemeIcon('loading~spin', new vscode.ThemeColor(ColorId.RunRunning)),
};

export function tracesItem(node: TracesNode, filter: string): vscode.TreeItem {
  const item = new vscode.TreeItem('Traces', vscode.TreeItemCollapsibleState.Collapsed);
  item.id = node.id;
  item.description = `${node.count}${filter ? ' · filtered' : ''}`;
  item.tooltip = filter ? `Traces matching: ${filter}` : `${node.count} trace${node.count === 1 ? '' : 's'}, newest first`;
  item.iconPath = new vscode.ThemeIcon('pulse');
  item.contextValue = 'traces';
  return item;
}

export function traceItem(node: TraceNode, now: number): vscode.TreeItem {
  const { trace } = node;
  const item = new vscode.TreeItem(trace.name || trace.traceId, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.description = `${traceDescription(trace)} · ${relativeTime(trace.requestTimeMs, now)}`;
  // Plain text: names come from the traced app.
  item.tooltip = `${trace.name || '(unnamed)'}\n${trace.traceId}\n${trace.state} · ${formatLatency(trace.executionMs)} · ${trace.spanCount} spans · ${trace.inputTokens} in / ${trace.outputTokens} out tokens`;
  item.iconPath = stateIcons[trace.state] ?? new vscode.ThemeIcon('circle-outline');
  item.contextValue = 'trace';
  item.command = { command: CommandId.OpenTrace, title: 'Open Trace', arguments: [trace.traceId] };
  return item;
}
