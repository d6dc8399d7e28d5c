import { readFile } from 'node:fs/promises';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { likeMatcher } from '../search/likeMatcher';
import type { CompiledTraceSearch } from '../search/traceSearch';
import type { SearchQuery } from '../search/paging';
import type { Reader } from '../store/databaseApi';
import { chunks, placeholders } from '../store/tracking/sqlHelpers';
import type { SpanFiles } from './spanFiles';
import { traceTagKeys } from './traceInfo';

/** A trace a content search could not read the span file of, and why: left out of the page, not a failure of the search. */
export interface SkippedTrace {
  readonly traceId: string;
  readonly reason: string;
}

export interface ContentSearchPage {
  readonly items: string[];
  readonly nextPageToken?: string;
  readonly skipped: SkippedTrace[];
}

/** Candidates read from SQL at a time: a page's worth first, more as the matches prove rare. */
const firstBatch = 100;
const largestBatch = 2000;
/** Span files read at once. */
const filesPerSlice = 32;
/** The longest the search runs between yields to the event loop (the budget is 50 ms a task). */
const sliceBudgetMs = 8;

interface Candidate {
  readonly traceId: string;
  /** The previews and name, for `text`. */
  readonly shown?: readonly string[];
}

/**
 * Runs a trace search whose filter tests span content: the compiled statement (the rest of the
 * filter, in the order asked) gives candidates, a batch at a time; each candidate's span file is
 * read with fs.promises and kept when every test matches one of its spans' JSON lines. It stops
 * once the page is full, its token resuming after the last candidate examined, and yields to the
 * event loop between slices, so a search over many traces never holds the loop.
 */
export async function searchSpanContent(db: Reader, spanFiles: SpanFiles, search: CompiledTraceSearch): Promise<ContentSearchPage> {
  const { query, contentTests: tests, candidatesAfter } = search;
  const matchers = tests.map((test) => ({ field: test.field, matches: likeMatcher(test.pattern, test.operator === 'ILIKE') }));
  const wantsShown = tests.some((test) => test.field === 'text');
  const items: string[] = [];
  const skipped: SkippedTrace[] = [];
  let position = query.offset;
  let batch = Math.max(firstBatch, query.maxResults + 1);
  let lastYield = performance.now();
  let lastExamined: string | undefined;
  for (;;) {
    const ids = candidateBatch(db, query, candidatesAfter, position, batch, lastExamined);
    const candidates: Candidate[] = wantsShown ? withShownText(db, ids) : ids.map((traceId) => ({ traceId }));
    for (let start = 0; start < candidates.length; start += filesPerSlice) {
      const slice = candidates.slice(start, start + filesPerSlice);
      const files = await Promise.all(slice.map((candidate) => readSpanFile(spanFiles, candidate.traceId)));
      for (let i = 0; i < slice.length; i++) {
        position++;
        lastExamined = slice[i].traceId;
        const file = files[i];
        if ('error' in file) {
          skipped.push({ traceId: slice[i].traceId, reason: file.error });
          continue;
        }
        const spans = new SpanLines(file.text);
        const kept = matchers.every(({ field, matches }) => (field === 'text' && (slice[i].shown ?? []).some(matches)) || spans.some(matches));
        if (spans.corrupt) skipped.push({ traceId: slice[i].traceId, reason: 'its span file holds lines that are not JSON' });
        if (!kept) continue;
        items.push(slice[i].traceId);
        // MLflow's server hands out a token whenever a page is full.
        if (items.length === query.maxResults) return { items, nextPageToken: query.tokenFor(position), skipped };
      }
      if (performance.now() - lastYield > sliceBudgetMs) {
        await yieldToLoop();
        lastYield = performance.now();
      }
    }
    if (ids.length < batch) return { items, skipped };
    batch = Math.min(batch * 2, largestBatch);
  }
}

/**
 * The next `batch` candidates: the first batch at the page token's offset, the next ones after the
 * last candidate examined (keyed by the default order when it applies, else by offset).
 */
function candidateBatch(db: Reader, query: SearchQuery, candidatesAfter: CompiledTraceSearch['candidatesAfter'], position: number, batch: number, lastExamined: string | undefined): string[] {
  const requestTime = lastExamined === undefined ? undefined : db.values('SELECT request_time FROM traces WHERE trace_id = ?', [lastExamined])[0]?.[0];
  // A candidate deleted meanwhile has no time to resume from: its offset still does.
  const after = candidatesAfter !== undefined && lastExamined !== undefined && typeof requestTime === 'number' ? candidatesAfter({ requestTime, traceId: lastExamined }) : undefined;
  const statement = after !== undefined ? { sql: `${after.sql} LIMIT ?`, params: [...after.params, batch] } : { sql: `${query.select.sql} LIMIT ? OFFSET ?`, params: [...query.select.params, batch, position] };
  return db.values(statement.sql, statement.params).map((row) => row[0] as string);
}

async function readSpanFile(spanFiles: SpanFiles, traceId: string): Promise<{ text: string } | { error: string }> {
  try {
    return { text: await readFile(spanFiles.pathOf(traceId), 'utf8') };
  } catch (error) {
    // No file: the trace has no spans yet (started, or its spans not sent): nothing to match, nothing wrong.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { text: '' };
    return { error: `its span file could not be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
}

/**
 * A span file's lines, each one span's JSON as ingestion wrote it. A line is tested as it is; only
 * when it matches is the file parsed, to make sure the line is whole and not replaced by a later
 * line of the same span (a span sent again), as SpanFiles.read sees the spans.
 */
class SpanLines {
  private readonly lines: string[];
  corrupt = false;

  constructor(text: string) {
    this.lines = text.split('\n');
  }

  some(matches: (text: string) => boolean): boolean {
    let latest: Set<number> | undefined;
    for (let i = 0; i < this.lines.length; i++) {
      const line = this.lines[i];
      if (line === '' || !matches(line)) continue;
      latest ??= this.latestLineOfEachSpan();
      if (latest.has(i)) return true;
    }
    return false;
  }

  /** The index of each span's last whole line. */
  private latestLineOfEachSpan(): Set<number> {
    const latest = new Map<string, number>();
    const last = this.lines.length - 1;
    this.lines.forEach((line, i) => {
      if (line === '') return;
      try {
        latest.set((JSON.parse(line) as { span_id: string }).span_id, i);
      } catch {
        // A torn last line is a crash mid-append (SpanFiles skips it too); any other is damage.
        if (i !== last) this.corrupt = true;
      }
    });
    return new Set(latest.values());
  }
}

/** The candidates with their request and response previews and name, which `text` matches too. */
function withShownText(db: Reader, traceIds: readonly string[]): Candidate[] {
  const shown = new Map<string, string[]>();
  for (const part of chunks([...traceIds])) {
    const rows = db.values(
      `SELECT t.trace_id, t.request_preview, t.response_preview, COALESCE((SELECT value FROM trace_tags WHERE trace_id = t.trace_id AND key = ?), '')
       FROM traces AS t WHERE t.trace_id IN (${placeholders(part.length)})`,
      [traceTagKeys.traceName, ...part],
    );
    for (const [id, request, response, name] of rows) shown.set(id as string, [request as string, response as string, name as string]);
  }
  return traceIds.map((traceId) => ({ traceId, shown: shown.get(traceId) ?? [] }));
}
