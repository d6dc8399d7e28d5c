import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LaunchEnding } from '../core/launches/launchEnding';
import { SupervisorFiles } from '../core/launches/supervisorFiles';
import { launchEndingOf, LaunchedProcess, type LaunchCommand } from './launchedProcess';
import { OutputLog } from './outputLog';

/** What the window hands the supervisor process (on its stdin, so the environment's secrets stay off disk). */
export interface SupervisorSpec {
  readonly launchId: string;
  readonly command: LaunchCommand;
  /** The launch's output log: stdout and stderr, in the order they arrive. */
  readonly outputLog: string;
  /** `.runlens/supervised/`. */
  readonly supervisedDir: string;
  readonly controlToken: string;
  readonly trackingPort?: number;
  readonly stopGraceMs?: number;
}

/** The control routes' largest body: a line typed into the terminal. */
const maxBodyBytes = 1 << 20;

/**
 * One launched script under supervision, in a process of its own that no window owns: the script
 * runs in its own process group, its output goes to the output log, and its end is written to
 * `ending.json`, so a window reload or an extension host crash no longer ends it nor loses its
 * outcome. A window controls it over loopback with the control token (Stop, Ctrl+C, input) and
 * waits for its end with a long poll (`GET /ending`).
 */
export async function superviseLaunch(
  spec: SupervisorSpec,
): Promise<{ readonly ended: Promise<LaunchEnding>; readonly stop: (reason: string) => void }> {
  const files = new SupervisorFiles(spec.supervisedDir);
  const log = new OutputLog(spec.outputLog);
  const child = new LaunchedProcess(spec.command, (chunk) => log.append(chunk), spec.stopGraceMs);
  const waiting = new Set<ServerResponse>();
  let ending: LaunchEnding | undefined;

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: Error) => reply(response, 500, { error: error.message }));
  });
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (!authorized(request.headers.authorization, spec.controlToken)) return reply(response, 401, { error: 'unauthorized' });
    const route = `${request.method} ${request.url}`;
    if (route === 'GET /ending') {
      if (ending) return reply(response, 200, ending);
      waiting.add(response);
      response.once('close', () => waiting.delete(response));
      return;
    }
    if (route === 'GET /status') return reply(response, 200, { scriptPid: child.pid, running: child.running });
    const body = await readBody(request);
    switch (route) {
      case 'POST /stop':
        child.stop(reasonIn(body, 'Stopped from RunLens.'));
        break;
      case 'POST /kill':
        child.kill(reasonIn(body, 'Stopped from RunLens.'));
        break;
      case 'POST /interrupt':
        child.interrupt();
        break;
      case 'POST /input':
        child.write(body);
        break;
      case 'POST /end-input':
        child.endInput();
        break;
      default:
        return reply(response, 404, { error: `no route ${route}` });
    }
    reply(response, 200, {});
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const controlPort = (server.address() as AddressInfo).port;
  const scriptPid = await child.started.catch(() => undefined);
  files.writeState(spec.launchId, {
    supervisorPid: process.pid,
    ...(scriptPid !== undefined ? { scriptPid } : {}),
    controlPort,
    controlToken: spec.controlToken,
    ...(spec.trackingPort !== undefined ? { trackingPort: spec.trackingPort } : {}),
    startedAt: Date.now(),
  });

  const ended = (async () => {
    const end = await child.ended;
    await log.close().catch(() => undefined);
    ending = launchEndingOf(end);
    files.writeEnding(spec.launchId, ending);
    for (const response of waiting) reply(response, 200, ending);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return ending;
  })();
  return { ended, stop: (reason) => child.stop(reason) };
}

function authorized(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function reasonIn(body: string, fallback: string): string {
  try {
    const reason = (JSON.parse(body) as { reason?: unknown }).reason;
    return typeof reason === 'string' && reason ? reason : fallback;
  } catch {
    return fallback;
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) request.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), connection: 'close' });
  response.end(text);
}
