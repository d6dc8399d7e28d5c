import { OpenDiffRequest, OpenSourceRequest } from '../../../src/protocol/dashboards/hostActions';
import type { RunDashboardModel, RunHeader } from '../../../src/protocol/dashboards/runRequests';
import { parseRemoteAddress } from '../../../src/protocol/runAddress';
import { tag } from '../components/tag';
import { button } from '../components/button';
import { el, type Child } from '../components/dom';
import type { DashboardContext } from './context';
import { formatDuration, formatTime, shortCommit } from './format';
import { dashboardLink } from './navigation';
import { statusTag } from './statusTag';

/** The run's name, status and where it came from: code, command, experiment, times. */
export function runHeader(ctx: DashboardContext, model: RunDashboardModel): HTMLElement {
  const { header } = model;
  const code = header.code;
  const facts: [string, Child][] = [
    ['Experiment', dashboardLink(ctx, header.experimentName, { kind: 'experiment', experimentId: header.experimentId })],
    ['Started', formatTime(header.startTime)],
    ['Duration', `${formatDuration(header.durationMs)}${header.status === 'RUNNING' ? ' (running)' : ''}`],
    ['User', header.user],
    ['Run ID', runIdFact(header)],
  ];
  if (header.parentRunId) facts.push(['Parent run', dashboardLink(ctx, header.parentRunId, { kind: 'run', runId: header.parentRunId })]);
  if (code.commit || code.branch) {
    facts.push([
      'Git',
      el(
        'span',
        {},
        code.commit ? el('code', { text: shortCommit(code.commit), title: code.commit }) : 'no commit',
        code.branch ? ` on ${code.branch}` : '',
        code.dirty ? tag('uncommitted changes', 'dirty') : null,
      ),
    ]);
  }
  if (code.sourceFile) facts.push(['Source', sourceLink(ctx, model)]);
  if (code.command) facts.push(['Command', el('code', { className: 'command', text: code.command })]);

  return el(
    'header',
    { className: 'run-header' },
    el('div', { className: 'title-row' }, el('h1', { text: header.name || header.runId }), statusTag(header.status),
      header.lifecycleStage === 'deleted' ? tag('deleted', 'deleted') : null),
    el('dl', { className: 'facts' }, ...facts.flatMap(([term, value]) => [el('dt', { text: term }), el('dd', {}, value)])),
  );
}

/** The run's id as its server knows it (what MLflow's client and UI use), and the server it is on. */
function runIdFact(header: RunHeader): HTMLElement {
  const id = parseRemoteAddress(header.runId)?.id ?? header.runId;
  const server = header.server;
  return el(
    'span',
    { attrs: { 'data-name': 'run-id' } },
    el('code', { text: id }),
    server ? el('span', { className: 'run-server', text: ` on ${server.name}`, title: server.url }) : null,
  );
}

function sourceLink(ctx: DashboardContext, model: RunDashboardModel): HTMLElement {
  const file = model.header.code.sourceFile ?? '';
  const name = el('code', { text: file });
  if (!ctx.host.hostActions) return name;
  const runId = model.header.runId;
  return el(
    'span',
    { className: 'source' },
    name,
    button('Open as it was', () => void ctx.status.guard('open the source', async () => {
      const result = await ctx.client.request(OpenSourceRequest, { runId });
      if (result.message) ctx.status.info(result.message);
    }), { appearance: 'secondary', name: 'open-source', title: 'The file at the run’s commit, with its uncommitted changes applied' }),
    model.patchPath
      ? button('Show captured diff', () => void ctx.status.guard('open the diff', () => ctx.client.request(OpenDiffRequest, { runId })), {
          appearance: 'secondary',
          name: 'open-patch',
        })
      : null,
  );
}
