import type { IncomingMessage } from 'node:http';
import { invalidParameter } from '../core/errors';
import { stringifyExperimentIds } from './experimentIds';
import { parseJson } from './json';

/**
 * Reads a JSON request body of at most `maxBytes`. A declared Content-Length over the cap is refused
 * before a byte is read; a chunked body is refused as soon as it passes the cap, and what was read
 * so far is dropped (the server then closes the connection rather than draining the rest).
 * An empty body is `{}`, as MLflow treats it. Read as MLflow's server reads it: a body that is a JSON
 * string holding the object (older clients double-encode) is decoded a second time, and integer
 * experiment ids become strings (see experimentIds.ts).
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  const text = decodeUtf8(await readCapped(req, maxBytes));
  if (text.trim() === '') return {};
  const parsed = parseJson(text);
  const value = typeof parsed === 'string' ? parseJson(parsed) : parsed;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidParameter('The request body must be a JSON object.');
  }
  // Only a `\uD800`-style escape can put half a surrogate pair into a parsed string.
  if (surrogateEscape.test(text)) refuseLoneSurrogates(value, 0);
  stringifyExperimentIds(value);
  return value as Record<string, unknown>;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes that are not UTF-8 would otherwise become U+FFFD without a word, changing what is stored. */
function decodeUtf8(bytes: Buffer): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw invalidParameter('The request body is not valid UTF-8.');
  }
}

const surrogateEscape = /\\u[dD][89a-fA-F]/;
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A string with half a surrogate pair is not text: the store would keep it as U+FFFD, so the value
 * read back would differ from the one logged. Refused instead of changed.
 */
function refuseLoneSurrogates(value: unknown, depth: number): void {
  if (typeof value === 'string') {
    if (loneSurrogate.test(value)) {
      throw invalidParameter(`Invalid value ${JSON.stringify(value.slice(0, 40))} in the request body: it holds half of a UTF-16 surrogate pair, which is not text.`);
    }
    return;
  }
  if (value === null || typeof value !== 'object' || depth > 256) return;
  for (const [key, item] of Object.entries(value)) {
    refuseLoneSurrogates(key, depth + 1);
    refuseLoneSurrogates(item, depth + 1);
  }
}

export function refuseDeclaredOversize(req: IncomingMessage, maxBytes: number, what: string): void {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw tooLarge(what, maxBytes);
}

export function tooLarge(what: string, maxBytes: number) {
  return invalidParameter(`${what} exceeds ${maxBytes} bytes`);
}

/** A raw request body of at most `maxBytes`, refused as `readJsonBody` refuses an oversized one. */
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
