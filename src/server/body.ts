import type { IncomingMessage } from 'node:http';
import { invalidParameter } from '../core/errors';
import { parseJson } from './json';

/**
 * Reads a JSON request body of at most `maxBytes`. A declared Content-Length over the cap is refused
 * before a byte is read; a chunked body is refused as soon as it passes the cap, and what was read
 * so far is dropped (the server then closes the connection rather than draining the rest).
 * An empty body is `{}`, as MLflow treats it.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  const text = (await readCapped(req, maxBytes)).toString('utf8');
  if (text.trim() === '') return {};
  const value = parseJson(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidParameter('The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

export function refuseDeclaredOversize(req: IncomingMessage, maxBytes: number, what: string): void {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw tooLarge(what, maxBytes);
}

export function tooLarge(what: string, maxBytes: number) {
  return invalidParameter(`${what} exceeds ${maxBytes} bytes`);
}

/** Reads a raw request body of at most `maxBytes`, with the same refusals as `readJsonBody`. */
export function readCapped(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  refuseDeclaredOversize(req, maxBytes, 'request body');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        req.pause();
        chunks.length = 0;
        reject(tooLarge('request body', maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      if (!req.complete) onError(new Error('the client closed the connection before the request body ended'));
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
