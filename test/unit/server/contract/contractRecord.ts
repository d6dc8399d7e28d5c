import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../support/repoRoot';

/**
 * One request of a captured MLflow session (test/fixtures/mlflow-contract/requests.jsonl for
 * tracking, traces.jsonl for GenAI traces: copies of shared/mlflow-contract/ kept in the repository
 * so that it is self-contained). Bodies that were
 * not JSON are summarised as `{_non_json_size, _content_type, _head}`; long JSON bodies as
 * `{_truncated_json, _size}` (the first 3,000 characters and the full size in bytes).
 */
export interface ContractRecord {
  readonly seq: number;
  readonly phase: string;
  readonly method: string;
  readonly path: string;
  /** A list where a key repeats (`batchGet?trace_ids=a&trace_ids=b`; traces.jsonl only). */
  readonly query: Readonly<Record<string, string>>;
  readonly req_content_type: string | null;
  readonly req_body: unknown;
  readonly status: number;
  readonly resp_content_type: string | null;
  readonly resp_body: unknown;
  /** traces.jsonl: headers beyond the common set (`x-mlflow-experiment-id` on OTLP posts). */
  readonly req_headers?: Readonly<Record<string, string>>;
  /** traces.jsonl: `SIMULATED: ...` where the capturing proxy injected a fault instead of the server's reply. */
  readonly note?: string;
}

/** A binary request body of traces.jsonl (OTLP protobuf, artifact uploads), kept whole. */
export interface Base64Body {
  readonly base64: string;
}

export function isBase64Body(body: unknown): body is Base64Body {
  return typeof body === 'object' && body !== null && typeof (body as Base64Body).base64 === 'string';
}

export interface NonJsonBody {
  readonly _non_json_size: number;
  readonly _content_type: string;
  readonly _head: string;
}

export interface TruncatedJson {
  readonly _truncated_json: string;
  readonly _size: number;
}

export function loadContract(name: 'requests.jsonl' | 'traces.jsonl' = 'requests.jsonl'): ContractRecord[] {
  const file = path.join(repoRoot(), 'test/fixtures/mlflow-contract', name);
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ContractRecord);
}

export function isNonJsonBody(body: unknown): body is NonJsonBody {
  return typeof body === 'object' && body !== null && '_non_json_size' in body;
}

export function isTruncatedJson(body: unknown): body is TruncatedJson {
  return typeof body === 'object' && body !== null && '_truncated_json' in body;
}

/** Python's `repr(bytes)` summary (`b'...'`) marks a binary body whose bytes the log does not hold. */
export function isBinaryHead(head: string): boolean {
  return head.startsWith("b'") || head.startsWith('b"');
}
