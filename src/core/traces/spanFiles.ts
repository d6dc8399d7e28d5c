import { mkdirSync } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { invalidParameter } from '../errors';
import type { SpanJson } from './spanJson';

/**
 * Span payloads, out of sql.js's memory (DESIGN.md, "Data"): one append-only file of JSON lines
 * per trace, `<dir>/<trace id>.jsonl`. An append is flushed to the disk before it resolves, so a
 * span is durable when the server acknowledges it. A span sent again (same id) replaces the earlier
 * line on read. A crash can leave a torn last line; reads skip it.
 */
export class SpanFiles {
  private madeDir = false;

  constructor(readonly dir: string) {}

  /**
   * Appends span lines (spanLine's) to the trace's file, flushed before it resolves. Says whether
   * the file was new or empty before them: then the lines are the whole file, which is what a
   * new content signature may be built from (contentSignatures.ts).
   */
  async append(traceId: string, lines: readonly string[]): Promise<{ readonly wasEmpty: boolean }> {
    if (lines.length === 0) return { wasEmpty: false };
    if (!this.madeDir) {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      this.madeDir = true;
    }
    const handle = await open(this.pathOf(traceId), 'a', 0o600);
    try {
      const { size } = await handle.stat();
      await handle.write(lines.map((line) => line + '\n').join(''));
      await handle.datasync();
      return { wasEmpty: size === 0 };
    } finally {
      await handle.close();
    }
  }

  /** The trace's spans, each once, by start time (then id); none when the trace has no file. */
  async read(traceId: string): Promise<SpanJson[]> {
    let text: string;
    try {
      text = await readFile(this.pathOf(traceId), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const byId = new Map<string, SpanJson>();
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        const span = JSON.parse(line) as SpanJson;
        byId.set(span.span_id, span);
      } catch {
        // A torn line from a crash mid-append: the client is told of a failure only after it, never before.
      }
    }
    return [...byId.values()].sort(byStart);
  }

  async remove(traceIds: readonly string[]): Promise<void> {
    for (const traceId of traceIds) await rm(this.pathOf(traceId), { force: true });
  }

  /** The trace's span file (which may not exist); a trace id that could not name a file is a 400. */
  pathOf(traceId: string): string {
    if (!isSafeTraceId(traceId)) throw invalidParameter(`Invalid trace id '${traceId}'.`);
    return path.join(this.dir, `${traceId}.jsonl`);
  }
}

/** A span's line in its trace's file: its JSON, which `span.content` patterns match as it is. */
export function spanLine(span: SpanJson): string {
  return JSON.stringify(span);
}

/** Trace ids name files: letters, digits, `-` and `_` only (MLflow's are `tr-<hex>` or 32 hex). */
export function isSafeTraceId(traceId: string): boolean {
  return /^[A-Za-z0-9_-]{1,128}$/.test(traceId);
}

function byStart(a: SpanJson, b: SpanJson): number {
  const start = compareDecimal(a.start_time_unix_nano, b.start_time_unix_nano);
  return start !== 0 ? start : a.span_id < b.span_id ? -1 : a.span_id > b.span_id ? 1 : 0;
}

/** Non-negative decimal strings without leading zeros, compared as numbers. */
export function compareDecimal(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
