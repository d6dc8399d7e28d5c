import type { HttpClient, Reply } from '../support/httpClient';
import { isBinaryHead, isNonJsonBody, isTruncatedJson, type ContractRecord } from './contractRecord';
import type { IdMap } from './idMap';
import { rebuildTruncatedJson } from './truncatedJson';

const artifactsBase = '/api/2.0/mlflow-artifacts/artifacts';

/** Sends a recorded request as the MLflow client sent it, rewritten into the ids `ids` has learned so far. */
export function sendRecorded(client: HttpClient, ids: IdMap, record: ContractRecord): Promise<Reply> {
  const isArtifactPath = record.path.startsWith(`${artifactsBase}/`);
  const path = isArtifactPath
    ? `${artifactsBase}/${ids.mapArtifactPath(record.path.slice(artifactsBase.length + 1))}`
    : ids.mapText(record.path);
  const query = new URLSearchParams(ids.mapQuery(record.query, record.path === artifactsBase)).toString();
  const headers: Record<string, string> = record.req_content_type ? { 'content-type': record.req_content_type } : {};
  return client.request(record.method, query ? `${path}?${query}` : path, { body: requestBody(ids, record), headers });
}

function requestBody(ids: IdMap, record: ContractRecord): Buffer | string | undefined {
  const body = record.req_body;
  if (body === null || body === undefined) return undefined;
  if (isNonJsonBody(body)) {
    // The log keeps a body's size and first bytes: send those bytes (in our ids), padded to the size.
    if (isBinaryHead(body._head)) return Buffer.alloc(body._non_json_size);
    const head = Buffer.from(ids.mapText(body._head));
    return Buffer.concat([head, Buffer.alloc(Math.max(0, body._non_json_size - head.length), '#')]).subarray(
      0,
      body._non_json_size,
    );
  }
  const json = isTruncatedJson(body) ? rebuildTruncatedJson(body._truncated_json, body._size, 'compact') : body;
  return JSON.stringify(ids.map(json));
}
