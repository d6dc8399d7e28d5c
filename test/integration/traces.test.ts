import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { median } from '../../src/core/traces/functionLocator';
import { CompareRequest, type CompareModel } from '../../src/protocol/dashboards/compareRequests';
import { GetRunRequest, type RunDashboardModel } from '../../src/protocol/dashboards/runRequests';
import type { DashboardState } from '../../src/protocol/dashboards/state';
import {
  CompareTracesRequest,
  GetTraceRequest,
  GoToSpanCodeRequest,
  type TraceCompareModel,
  type TraceModel,
} from '../../src/protocol/traceDashboard';
import { CommandId } from '../../src/vscode/contributions';
import type { AnsweredRequest, WebviewHost } from '../../src/vscode/dashboards/webviewHost';
import type { RunLensApi } from '../../src/vscode/runLensExtension';
import type { MessageNode, RunsTreeNode } from '../../src/vscode/runs/runsTreeNodes';
import { formatLatency } from '../../src/vscode/traces/traceFormat';
import type { TraceNode, TracesNode } from '../../src/vscode/traces/traceTreeNodes';
import { experimentNode, labelOf, runNodes, tracking } from './runsTreeSupport';
import { children, runLensApi, waitFor, workspaceDir } from './support';
import { recordedSpans, recordedTraces, recordedTraceWrites, TraceReplay, type RecordedTrace } from './tracesSupport';
import { untilShown, ViewMirror } from './viewMirror';

// MLflow 3 traces in the real VS Code: the real client's trace writes (replayed from the recording
// over HTTP to the window's server) show under their experiment and run in the Runs view, live; the
// trace filter narrows them; a trace opens in the viewer; "Go to code" opens the traced function in
// the workspace's copy of the recorded script; its latency shows above it; two traces compare.

/** The recorded app's functions, at the places `@mlflow.trace` decorates them. */
const tracedScript = `"""The app the MLflow client traced when the recording was made."""
import mlflow


@mlflow.trace(span_type="TOOL")
def leaf(x):
    if x < 0:
        raise ValueError("negative input not allowed")
    return x * 2


@mlflow.trace
def middle(x):
    try:
        leaf(-1)
    except ValueError:
        pass
    return leaf(x) + 1


@mlflow.trace(name="outer_entry", attributes={"app.version": "1.0"})
def outer(a, b):
    return {"answer": middle(a + b), "question": f"{a}+{b}"}


@mlflow.trace
def failing_root(q):
    raise RuntimeError("boom at root")
`;

/** Another file defining a function of the same name: the trace's own script must win. */
const decoyScript = `def outer(a, b):
    return a * b
`;

function lineOf(text: string, needle: string): number {
  const line = text.split('\n').findIndex((l) => l.startsWith(needle));
  assert.ok(line >= 0, `${needle} is in the script`);
  return line;
}

/** What the Runs view says of a trace: "error · 0 ms · 1 span", from the recorded trace. */
function expectedDescription(trace: RecordedTrace): string {
  const spans = recordedSpans().filter((span) => span.traceId === trace.traceId).length;
  return [trace.state === 'OK' ? undefined : trace.state.toLowerCase(), formatLatency(trace.executionMs), `${spans} span${spans === 1 ? '' : 's'}`]
    .filter((part) => part !== undefined)
    .join(' · ');
}

function tracesGroup(nodes: readonly RunsTreeNode[]): TracesNode {
  const group = nodes.find((node): node is TracesNode => node.kind === 'traces');
  assert.ok(group, `a Traces group among ${nodes.map((node) => node.id).join(', ')}`);
  return group;
}

function traceNodes(nodes: readonly RunsTreeNode[]): TraceNode[] {
  return nodes.filter((node): node is TraceNode => node.kind === 'trace');
}

suite('Traces in VS Code', () => {
  let api: RunLensApi;
  let replay: TraceReplay;
  let experimentId: string;
  let scriptUri: vscode.Uri;
  const traces = recordedTraces();
  const byName = (name: string) => traces.find((trace) => trace.name === name && (name !== 'outer_entry' || trace.sourceRun === undefined))!;
  const answers = new Map<WebviewHost, AnsweredRequest[]>();
  let listening: vscode.Disposable | undefined;

  suiteSetup(async () => {
    api = await runLensApi();
    listening = api.dashboards.onDidAnswer(({ host, ...answer }) => answers.set(host, [...(answers.get(host) ?? []), answer]));
    const endpoint = await api.trackingEndpoint();
    assert.ok(endpoint, 'this window serves the store');
    replay = new TraceReplay(endpoint);
    const dir = path.join(workspaceDir(), 'traced_app');
    mkdirSync(path.join(dir, 'helpers'), { recursive: true });
    // The decoy first in path order; the recorded traces name p1_trace_write.py as their source.
    writeFileSync(path.join(dir, 'helpers', 'aaa_decoy.py'), decoyScript);
    writeFileSync(path.join(dir, 'p1_trace_write.py'), tracedScript);
    scriptUri = vscode.Uri.file(path.join(dir, 'p1_trace_write.py'));
  });

  suiteTeardown(async () => {
    listening?.dispose();
    await vscode.commands.executeCommand(CommandId.ClearTraceFilter);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('traces the client logs show under the experiment and the run, newest first, with status, latency and spans, live', async () => {
    const lastTrace = recordedTraceWrites.findIndex((record) => record.path === '/v1/traces' && JSON.stringify((record as { req_body_decoded?: unknown }).req_body_decoded ?? '').includes('failing_root'));
    assert.ok(lastTrace > 0, 'the recording ends with the failing trace');
    await replay.send(recordedTraceWrites.slice(0, lastTrace));
    experimentId = replay.idOf('1');

    // The view as VS Code shows it, with the experiment's Traces group expanded: the last trace
    // must reach it because the view is told, not because a test reads afresh.
    const view = new ViewMirror<RunsTreeNode>(
      api.runsTree,
      (node) => (node.kind === 'experiment' && node.experimentId === experimentId) || (node.kind === 'traces' && node.parent.kind === 'experiment'),
    );
    try {
      await view.start();
      await untilShown(view, 'the first three traces', (paths) => paths.some((p) => p.endsWith(`${replay.experimentName}/Traces/manual_root`)));
      await replay.send(recordedTraceWrites.slice(lastTrace));
      await untilShown(view, 'the failing trace, logged while the view is open', (paths) => paths.some((p) => p.endsWith(`${replay.experimentName}/Traces/failing_root`)));
    } finally {
      view.dispose();
    }

    const experiment = await experimentNode(api, experimentId);
    const top = await children(api, experiment);
    const group = tracesGroup(top);
    const groupItem = api.runsTree.getTreeItem(group);
    assert.equal(labelOf(groupItem), 'Traces');
    assert.equal(groupItem.description, String(traces.length));
    const listed = traceNodes(await children(api, group));
    const newestFirst = [...traces].sort((a, b) => b.requestTimeMs - a.requestTimeMs);
    assert.deepEqual(
      listed.map((node) => node.trace.traceId),
      newestFirst.map((trace) => trace.traceId),
    );
    for (const [i, node] of listed.entries()) {
      const item = api.runsTree.getTreeItem(node);
      assert.equal(labelOf(item), newestFirst[i].name);
      assert.ok(String(item.description).startsWith(`${expectedDescription(newestFirst[i])} · `), `${item.description} for ${newestFirst[i].name}`);
      assert.equal(item.contextValue, 'trace');
      assert.deepEqual(item.command?.arguments, [newestFirst[i].traceId]);
    }
    assert.equal((api.runsTree.getTreeItem(listed[0]).iconPath as vscode.ThemeIcon).id, 'error', 'the failing trace shows as failed');

    // The run the client traced in lists the trace made inside it, and only that one.
    const inRun = traces.filter((trace) => trace.sourceRun !== undefined);
    assert.equal(inRun.length, 1);
    const run = runNodes(top).find((node) => node.runId === replay.idOf(inRun[0].sourceRun!));
    assert.ok(run, 'the traced run is listed');
    const runTraces = traceNodes(await children(api, tracesGroup(await children(api, run))));
    assert.deepEqual(
      runTraces.map((node) => node.trace.traceId),
      [inRun[0].traceId],
    );
  });

  test('the trace filter narrows every Traces group, says so, and refuses a filter it cannot use', async () => {
    const experiment = await experimentNode(api, experimentId);
    const top = await children(api, experiment);
    const group = tracesGroup(top);
    const run = runNodes(top)[0];
    try {
      assert.equal(await vscode.commands.executeCommand(CommandId.FilterTraces, "status = 'ERROR'"), true);
      assert.deepEqual(
        traceNodes(await children(api, group)).map((node) => node.trace.name),
        traces.filter((trace) => trace.state === 'ERROR').map((trace) => trace.name),
      );
      assert.equal(api.runsTree.getTreeItem(group).description, `${traces.length} · filtered`);
      const runGroup = await children(api, tracesGroup(await children(api, run)));
      assert.deepEqual(
        runGroup.map((node) => (node as MessageNode).text),
        ['No traces match the filter'],
      );

      assert.equal(await vscode.commands.executeCommand(CommandId.FilterTraces, "tags.owner = 'alice'"), true);
      assert.deepEqual(
        traceNodes(await children(api, group)).map((node) => node.trace.name),
        traces.filter((trace) => trace.tags.owner === 'alice').map((trace) => trace.name),
      );

      assert.equal(await vscode.commands.executeCommand(CommandId.FilterTraces, 'status ==== nonsense'), false, 'a broken filter is refused');
      assert.deepEqual(
        traceNodes(await children(api, group)).map((node) => node.trace.name),
        ['manual_root'],
        'the refused filter left the one in use',
      );

      // A span file damaged inside (not just a torn last line): a content filter still lists what
      // the rest of it matches, and the group says the trace was not fully searched.
      const damaged = byName('manual_root');
      const spanFile = path.join(workspaceDir(), '.runlens', 'traces', `${damaged.traceId}.jsonl`);
      const intact = readFileSync(spanFile);
      try {
        writeFileSync(spanFile, Buffer.concat([Buffer.from('{not json\n'), intact]));
        assert.equal(await vscode.commands.executeCommand(CommandId.FilterTraces, "span.content LIKE '%manual_root%'"), true);
        const listed = await children(api, group);
        assert.deepEqual(
          traceNodes(listed).map((node) => node.trace.traceId),
          [damaged.traceId],
        );
        assert.deepEqual(
          listed.filter((node): node is MessageNode => node.kind === 'message').map((node) => node.text),
          [`1 trace not fully searched: its span file holds lines that are not JSON (${damaged.traceId})`],
        );
      } finally {
        writeFileSync(spanFile, intact);
      }
    } finally {
      await vscode.commands.executeCommand(CommandId.ClearTraceFilter);
    }
    assert.equal(traceNodes(await children(api, group)).length, traces.length);
  });

  test('a trace opens in the viewer, whose page loads the span tree from the host', async () => {
    const trace = byName('manual_root');
    const host = await openPanel({ kind: 'trace', traceId: trace.traceId }, () => vscode.commands.executeCommand(CommandId.OpenTrace, trace.traceId));
    await waitForAnswer(host, GetTraceRequest.method);
    const model = (await api.dashboards.request(host, GetTraceRequest.request(1, { traceId: trace.traceId }))) as TraceModel;
    const spans = recordedSpans().filter((span) => span.traceId === trace.traceId);
    assert.deepEqual(
      model.spans.map((span) => [span.name, span.depth]),
      [
        ['manual_root', 0],
        ['llm_call', 1],
      ],
    );
    assert.deepEqual(new Set(model.spans.map((span) => span.spanId)), new Set(spans.map((span) => span.spanId)));
    assert.deepEqual(
      model.tags.filter((tag) => tag.key === 'owner'),
      [{ key: 'owner', value: 'alice' }],
    );
    await waitFor('the panel title to name the trace', () => (host.panel.title === 'Trace: manual_root' ? true : undefined), 20_000);
  });

  test('"Go to code" on a span opens its function in the trace\'s script, at its def line', async () => {
    const trace = byName('outer_entry');
    const host = await openPanel({ kind: 'trace', traceId: trace.traceId }, () => vscode.commands.executeCommand(CommandId.OpenTrace, trace.traceId));
    await waitForAnswer(host, GetTraceRequest.method);
    const model = (await api.dashboards.request(host, GetTraceRequest.request(1, { traceId: trace.traceId }))) as TraceModel;
    for (const functionName of ['outer', 'leaf']) {
      const span = model.spans.find((s) => s.functionName === functionName);
      assert.ok(span, `a span of ${functionName}()`);
      const result = await api.dashboards.request(host, GoToSpanCodeRequest.request(2, { traceId: trace.traceId, spanId: span.spanId }));
      assert.deepEqual(result, { opened: true });
      const editor = await waitFor('the script in the editor', () => (vscode.window.activeTextEditor?.document.uri.fsPath === scriptUri.fsPath ? vscode.window.activeTextEditor : undefined));
      assert.equal(editor.selection.active.line, lineOf(tracedScript, `def ${functionName}(`), `the cursor on def ${functionName}`);
    }
    await assert.rejects(
      api.dashboards.request(host, GoToSpanCodeRequest.request(3, { traceId: trace.traceId, spanId: '0000000000000000' })),
      /does not name the function/,
      'a span that names no function is an error, not a wrong file',
    );
  });

  test("the latency lens shows each traced function's median over its latest spans", async () => {
    const document = await vscode.workspace.openTextDocument(scriptUri);
    assert.equal(document.languageId, 'python');
    const lenses = await waitFor(
      'latency lenses on the traced script',
      async () => {
        const all = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', scriptUri, 50)) ?? [];
        const latency = all.filter((lens) => lens.command?.title.includes('p50'));
        return latency.length >= 4 ? latency : undefined;
      },
      20_000,
    );
    for (const functionName of ['leaf', 'middle', 'outer', 'failing_root']) {
      const line = lineOf(tracedScript, `def ${functionName}(`);
      const lens = lenses.find((l) => l.range.start.line === line);
      assert.ok(lens, `a lens on def ${functionName} (line ${line}); lenses on ${lenses.map((l) => l.range.start.line).join(', ')}`);
      const durations = recordedSpans()
        .filter((span) => span.functionName === functionName)
        .map((span) => span.durationMs);
      assert.match(lens.command!.title, new RegExp(`p50 ${formatLatency(median(durations)!)} over its last ${durations.length} call${durations.length === 1 ? '' : 's'}$`), functionName);
      assert.equal(lens.command!.command, CommandId.FilterTraces);
      assert.deepEqual(lens.command!.arguments, [`span.name = '${functionName}'`]);
    }
    assert.equal(
      lenses.filter((l) => l.range.start.line === lineOf(tracedScript, 'import mlflow')).length,
      0,
      'no lens away from the traced functions',
    );
  });

  test('Compare Traces with two selected traces opens the span tree diff', async () => {
    const left = byName('outer_entry');
    const right = traces.find((trace) => trace.name === 'outer_entry' && trace.sourceRun !== undefined)!;
    const group = tracesGroup(await children(api, await experimentNode(api, experimentId)));
    const nodes = traceNodes(await children(api, group));
    const selected = [left, right].map((trace) => nodes.find((node) => node.trace.traceId === trace.traceId)!);
    const host = await openPanel({ kind: 'trace', traceId: left.traceId, compareTo: right.traceId }, () =>
      vscode.commands.executeCommand(CommandId.CompareTraces, selected[0], selected),
    );
    await waitForAnswer(host, CompareTracesRequest.method);
    const diff = (await api.dashboards.request(host, CompareTracesRequest.request(1, { traceId: left.traceId, otherTraceId: right.traceId }))) as TraceCompareModel;
    assert.equal(diff.rows.length, recordedSpans().filter((span) => span.traceId === left.traceId).length, 'the same tree: one row per span');
    const root = diff.rows.find((row) => row.depth === 0);
    assert.equal(root?.name, 'outer_entry');
    assert.equal(root?.change, 'changed');
    assert.ok(root?.changed.includes('inputs'), 'outer(1, 2) against outer(3, 4)');
    assert.equal(host.panel.title, 'Compare traces');
  });

  test("the run's dashboard lists the traces made in it, and the compare view counts them", async () => {
    const inRun = traces.find((trace) => trace.sourceRun !== undefined)!;
    const runId = replay.idOf(inRun.sourceRun!);
    const host = await openPanel({ kind: 'run', runId }, () => vscode.commands.executeCommand(CommandId.OpenRunDashboard, runId));
    await waitForAnswer(host, GetRunRequest.method);
    const model = (await api.dashboards.request(host, GetRunRequest.request(1, { runId }))) as RunDashboardModel;
    assert.deepEqual(
      model.traces?.items.map((trace) => [trace.traceId, trace.state, trace.executionMs, trace.spanCount]),
      [[inRun.traceId, inRun.state, inRun.executionMs, recordedSpans().filter((span) => span.traceId === inRun.traceId).length]],
    );
    const other = await tracking(api).then((server) => server.createRun(experimentId, { name: 'untraced' }));
    const compare = await openPanel({ kind: 'compare', runIds: [runId, other] }, () => vscode.commands.executeCommand(CommandId.CompareRuns, runId, [runId, other]));
    await waitForAnswer(compare, CompareRequest.method);
    const diff = (await api.dashboards.request(compare, CompareRequest.request(1, { runIds: [runId, other] }))) as CompareModel;
    assert.deepEqual(
      diff.runs.map((run) => run.traces),
      [{ count: 1, medianMs: inRun.executionMs }, { count: 0 }],
    );
  });

  async function openPanel(state: DashboardState, open: () => Thenable<unknown>): Promise<WebviewHost> {
    const before = api.dashboards.hosts;
    await open();
    const host = await waitFor('a new trace panel', () => api.dashboards.hosts.find((h) => !before.includes(h)), 20_000);
    assert.deepEqual(host.state, state);
    return host;
  }

  async function waitForAnswer(host: WebviewHost, method: string): Promise<void> {
    const answer = await waitFor(`the page's ${method}`, () => answers.get(host)?.find((a) => a.method === method), 30_000);
    assert.ok(answer.ok, `${method} failed: ${answer.error}`);
  }
});
