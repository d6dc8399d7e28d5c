import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, MlflowError } from '../core/errors';
import { toJson } from './json';
import { EncodedJson } from './jsonBytes';

/** Headers on every reply: nothing here is for caches, and nothing should be sniffed into HTML. */
const commonHeaders = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

/** Sends `value` as JSON (`toJson`), or as it is when a handler already encoded it. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  if (value instanceof EncodedJson) {
    sendEncodedJson(res, status, value);
    return;
  }
  // Encoded once: byteLength plus end(string) would encode a long reply twice.
  const body = Buffer.from(toJson(value ?? {}), 'utf8');
  res.writeHead(status, headersFor('application/json', body.length));
  res.end(body);
}

function sendEncodedJson(res: ServerResponse, status: number, body: EncodedJson): void {
  res.writeHead(status, headersFor('application/json', body.byteLength));
  // Corked, the headers and every chunk leave in one write (end() uncorks).
  res.cork();
  for (const chunk of body.chunks) res.write(chunk);
  res.end();
}

export function sendText(res: ServerResponse, text: string): void {
  res.writeHead(200, {
    ...commonHeaders,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function headersFor(contentType: string, size: number): Record<string, string | number> {
  return { ...commonHeaders, 'content-type': contentType, 'content-length': size };
}

/**
 * Turns a failure into MLflow's `{error_code, message}`. Anything that is not an MlflowError is a
 * bug: logged, and answered 500 INTERNAL_ERROR (which the client retries, so it must stay rare);
 * a full disk is logged too, but answered 507 (`diskFull`).
 * When the request still has an unread body (refused before reading, or past a cap), the
 * connection is closed after the reply instead of draining what the client is still sending.
 */
export function sendFailure(
  req: IncomingMessage,
  res: ServerResponse,
  error: unknown,
  log: (message: string) => void,
): void {
  const failure = MlflowError.is(error) ? error : (diskFull(error) ?? new MlflowError(ErrorCode.InternalError, `Internal error in RunLens: ${describe(error)}`));
  if (!MlflowError.is(error)) {
    log(`runlens server: ${req.method} ${req.url} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
  if (res.headersSent) {
    // A streamed reply broke midway: the only honest signal left is to cut the connection.
    res.destroy();
    return;
  }
  if (hasUnreadBody(req)) res.setHeader('connection', 'close');
  sendJson(res, failure.status, failure.toJSON());
}

/**
 * A full disk (or quota) is no bug and no passing glitch: 507 Insufficient Storage, which the MLflow
 * client does not retry (it retries 408, 429, 500, 502, 503 and 504 for minutes), with a message
 * that says what to do and names no server path. What was acknowledged before stays on disk (the
 * journal takes a write back when its append fails).
 */
function diskFull(error: unknown): MlflowError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== 'ENOSPC' && code !== 'EDQUOT') return undefined;
  return new MlflowError(
    ErrorCode.InternalError,
    'The disk is full: RunLens could not save this request, and nothing of it was kept. Free some disk space, then send it again.',
    507,
  );
}

function hasUnreadBody(req: IncomingMessage): boolean {
  if (req.complete) return false;
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
