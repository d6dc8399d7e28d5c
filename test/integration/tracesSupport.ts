import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { TrackingEndpoint } from '../../src/vscode/trackingSession';
import { isBase64Body, loadContract, type ContractRecord } from '../unit/server/contract/contractRecord';

// The traces of the real MLflow 3.6 client, as it sent them to a real MLflow server
// (test/fixtures/mlflow-contract/traces.jsonl, phase p1: `@mlflow.trace` on nested functions
// outside and inside a run, `mlflow.start_span` with tags, a root that raises), replayed byte
// for byte over HTTP to the window's own server. Only the ids that server makes (experiment,
// run) and the experiment's name are swapped for this store's.

export const recordedTraceWrites = loadContract('traces.jsonl').filter((record) => record.phase === 'p1_trace_write');

/** A span of the recording, as the OTLP export decoded (ids in hex). */
export interface RecordedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly name: string;
  readonly functionName?: string;
  readonly durationMs: number;
}

interface DecodedOtlp {
  readonly resourceSpans: {
    readonly scopeSpans: {
      readonly spans: {
        traceId: string;
        spanId: string;
        name: string;
        startTimeUnixNano: string;
        endTimeUnixNano: string;
        attributes?: { key: string; value: { stringValue?: string } }[];
      }[];
    }[];
  }[];
}

/** Every span the recorded exports carry. */
export function recordedSpans(records: readonly ContractRecord[] = recordedTraceWrites): RecordedSpan[] {
  return records
    .filter((record) => record.path === '/v1/traces')
    .flatMap((record) => (record as ContractRecord & { req_body_decoded: DecodedOtlp }).req_body_decoded.resourceSpans)
    .flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans))
    .map((span) => {
      const functionName = span.attributes?.find((a) => a.key === 'mlflow.spanFunctionName')?.value.stringValue;
      return {
        traceId: `tr-${span.traceId}`,
        spanId: span.spanId,
        name: span.name,
        ...(functionName ? { functionName } : {}),
        durationMs: Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / 1e6,
      };
    });
}

/** A trace's info as the client's StartTraceV3 sent it when the trace ended. */
export interface RecordedTrace {
  readonly traceId: string;
  readonly name: string;
  readonly state: string;
  readonly executionMs: number;
  readonly requestTimeMs: number;
  readonly tags: Readonly<Record<string, string>>;
  /** The recording's run id, for a trace made inside `start_run`. */
  readonly sourceRun?: string;
}

export function recordedTraces(): RecordedTrace[] {
  return recordedTraceWrites
    .filter((record) => record.method === 'POST' && record.path === '/api/3.0/mlflow/traces')
    .map((record) => {
      const info = (record.req_body as { trace: { trace_info: Record<string, unknown> } }).trace.trace_info;
      const tags = info.tags as Record<string, string>;
      const metadata = info.trace_metadata as Record<string, string>;
      return {
        traceId: info.trace_id as string,
        name: tags['mlflow.traceName'],
        state: info.state as string,
        executionMs: Number(String(info.execution_duration).replace(/s$/, '')) * 1000,
        requestTimeMs: Date.parse(info.request_time as string),
        tags,
        ...(metadata['mlflow.sourceRun'] ? { sourceRun: metadata['mlflow.sourceRun'] } : {}),
      };
    });
}

/**
 * Replays recorded requests in order against `endpoint`, each answered with the status the real
 * server gave. Keeps the ids it learned, so that it can be called again with later records.
 */
export class TraceReplay {
  /** Recorded id (or experiment name) → this store's. */
  private readonly ids = new Map<string, string>();

  constructor(private readonly endpoint: TrackingEndpoint) {
    // A name of our own, so that the recorded "experiment does not exist yet" holds in any store.
    this.ids.set('genai_traces', `genai-traces-${randomBytes(4).toString('hex')}`);
  }

  get experimentName(): string {
    return this.ids.get('genai_traces')!;
  }

  /** This store's id for a recorded one. */
  idOf(recorded: string): string {
    const id = this.ids.get(recorded);
    assert.ok(id, `no id learned for the recording's ${recorded}`);
    return id;
  }

  async send(records: readonly ContractRecord[]): Promise<void> {
    for (const record of records) await this.sendOne(record);
  }

  private async sendOne(record: ContractRecord): Promise<void> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(record.query)) {
      for (const item of Array.isArray(value) ? value : [value]) query.append(key, this.swap(item as string));
    }
    const headers: Record<string, string> = { authorization: `Bearer ${this.endpoint.token}` };
    for (const [key, value] of Object.entries(record.req_headers ?? {})) headers[key] = this.swap(value);
    let body: Buffer | string | undefined;
    if (isBase64Body(record.req_body)) body = Buffer.from(record.req_body.base64, 'base64');
    else if (record.req_body !== null && record.req_body !== undefined) body = JSON.stringify(this.swapDeep(record.req_body));
    if (body !== undefined) headers['content-type'] = record.req_content_type ?? 'application/json';
    const url = `${this.endpoint.url}${record.path}${query.size > 0 ? `?${query}` : ''}`;
    const response = await fetch(url, { method: record.method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    assert.equal(response.status, record.status, `#${record.seq} ${record.method} ${record.path}: ${text.slice(0, 300)}`);
    if (record.path.endsWith('/experiments/create')) this.learn((record.resp_body as { experiment_id: string }).experiment_id, (JSON.parse(text) as { experiment_id: string }).experiment_id);
    if (record.path.endsWith('/runs/create')) {
      const id = (body: unknown) => (body as { run: { info: { run_id: string } } }).run.info.run_id;
      this.learn(id(record.resp_body), id(JSON.parse(text)));
    }
  }

  private learn(recorded: string, ours: string): void {
    this.ids.set(recorded, ours);
  }

  private swap(value: string): string {
    return this.ids.get(value) ?? value;
  }

  private swapDeep(value: unknown): unknown {
    if (typeof value === 'string') return this.swap(value);
    if (Array.isArray(value)) return value.map((item) => this.swapDeep(item));
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.swapDeep(item)]));
    return value;
  }
}
