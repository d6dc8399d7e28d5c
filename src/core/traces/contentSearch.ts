import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { likeMatcher } from '../search/likeMatcher';
import type { SearchQuery } from '../search/paging';
import type { SpanContentTest } from '../search/spanContentTests';
import type { CompiledTraceSearch } from '../search/traceSearch';
import type { Reader } from '../store/databaseApi';
import { chunks, placeholders } from '../store/tracking/sqlHelpers';
import type { ContentSignatures, SignatureBatch, TraceRow } from './contentSignatures';
import type { SpanFiles } from './spanFiles';
import { traceTagKeys } from './traceInfo';
import { patternBits } from './trigramSignature';

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
const largestBatch = 4000;
/**
 * Span files up to this size are read synchronously, within the slice's time budget: a small file's
 * read through fs.promises (open, stat, read, close, each a trip to the thread pool) cost about 15
 * times the synchronous calls, and those trips were most of a search that reads 2,000 files. A
 * larger file is read asynchronously, so that no read holds the event loop long.
 */
const largestSyncRead = 256 * 1024;
/** Candidates examined between looks at the clock, when their files are not read. */
const candidatesPerClockCheck = 256;
/** The longest the search runs between yields to the event loop (the budget is 50 ms a task). */
const sliceBudgetMs = 8;

interface Candidate extends TraceRow {
  /** The previews and name, for `text`. */
  readonly shown?: readonly string[];
}

/** A content test, with the signature bits any trace it matches has (none when its pattern has no literal run of 3). */
interface ContentMatcher {
  readonly field: SpanContentTest['field'];
  readonly matches: (text: string) => boolean;
  readonly bits: readonly number[] | undefined;
}

/** What a candidate's signature and shown text decide before its file is read. */
type Verdict = 'cannot match' | 'matches' | 'read its file';

/**
 * Runs a trace search whose filter tests span content: the compiled statement (the rest of the
 * filter, in the order asked) gives candidates, a batch at a time; their content signatures
 * (contentSignatures.ts) rule out those that cannot match, and each other candidate's span file is
 * read (see largestSyncRead) and kept when every test matches one of its spans' JSON lines. It stops
 * once the page is full, its token resuming after the last candidate examined, and yields to the
 * event loop between slices, so a search over many traces never holds the loop.
 */
export async function searchSpanContent(db: Reader, spanFiles: SpanFiles, signatures: ContentSignatures, search: CompiledTraceSearch): Promise<ContentSearchPage> {
  const { query, contentTests: tests, candidatesAfter } = search;
  const matchers: ContentMatcher[] = tests.map((test) => ({
    field: test.field,
    matches: likeMatcher(test.pattern, test.operator === 'ILIKE'),
    bits: patternBits(test.pattern),
  }));
  const wantsShown = tests.some((test) => test.field === 'text');
  const usesSignatures = matchers.some((matcher) => matcher.bits !== undefined);
  const items: string[] = [];
  const skipped: SkippedTrace[] = [];
  let position = query.offset;
  let batch = Math.max(firstBatch, query.maxResults + 1);
  let lastYield = performance.now();
  let lastExamined: string | undefined;
  const records = usesSignatures ? await signatures.openReader() : undefined;
  try {
    for (;;) {
      const rows = candidateBatch(db, query, candidatesAfter, position, batch, lastExamined);
      const candidates: Candidate[] = wantsShown ? withShownText(db, rows) : rows;
      const known = await records?.read(candidates);
      const verdicts = candidates.map((candidate, i) => verdictOf(matchers, candidate, known, i));
      for (let index = 0; index < candidates.length; index++) {
        const candidate = candidates[index];
        const verdict = verdicts[index];
        position++;
        lastExamined = candidate.traceId;
        const file = verdict === 'read its file' ? (readSmallSpanFile(spanFiles, candidate.traceId) ?? (await readSpanFile(spanFiles, candidate.traceId))) : undefined;
        if (keeps(candidate, verdict, file, matchers, skipped)) {
          items.push(candidate.traceId);
          // MLflow's server hands out a token whenever a page is full.
          if (items.length === query.maxResults) return { items, nextPageToken: query.tokenFor(position), skipped };
        }
        if ((verdict === 'read its file' || index % candidatesPerClockCheck === 0) && performance.now() - lastYield > sliceBudgetMs) {
          await yieldToLoop();
          lastYield = performance.now();
        }
      }
      if (rows.length < batch) return { items, skipped };
      batch = Math.min(batch * 2, largestBatch);
    }
  } finally {
    await records?.close();
  }
}

/**
 * A test the shown text (for `text`) matches needs no file; one whose bits the candidate's own
 * signature lacks rules the candidate out; any other needs the file.
 */
function verdictOf(matchers: readonly ContentMatcher[], candidate: Candidate, signatures: SignatureBatch | undefined, i: number): Verdict {
  let needsFile = false;
  for (const { field, matches, bits } of matchers) {
    if (field === 'text' && (candidate.shown ?? []).some(matches)) continue;
    if (bits !== undefined && signatures !== undefined && !signatures.mayHave(i, bits)) return 'cannot match';
    needsFile = true;
  }
  return needsFile ? 'read its file' : 'matches';
}

/** Whether the candidate is in the page: as its verdict says, or, when its file was read, as its lines say. */
function keeps(candidate: Candidate, verdict: Verdict, file: SpanFileText | undefined, matchers: readonly ContentMatcher[], skipped: SkippedTrace[]): boolean {
  if (verdict !== 'read its file' || file === undefined) return verdict === 'matches';
  if ('error' in file) {
    skipped.push({ traceId: candidate.traceId, reason: file.error });
    return false;
  }
  const spans = new SpanLines(file.text);
  const kept = matchers.every(({ field, matches }) => (field === 'text' && (candidate.shown ?? []).some(matches)) || spans.some(matches));
  if (spans.corrupt) skipped.push({ traceId: candidate.traceId, reason: 'its span file holds lines that are not JSON' });
  return kept;
}

/**
 * The next `batch` candidates: the first batch at the page token's offset, the next ones after the
 * last candidate examined (keyed by the default order when it applies, else by offset).
 */
function candidateBatch(db: Reader, query: SearchQuery, candidatesAfter: CompiledTraceSearch['candidatesAfter'], position: number, batch: number, lastExamined: string | undefined): TraceRow[] {
  const requestTime = lastExamined === undefined ? undefined : db.values('SELECT request_time FROM traces WHERE trace_id = ?', [lastExamined])[0]?.[0];
  // A candidate deleted meanwhile has no time to resume from: its offset still does.
  const after = candidatesAfter !== undefined && lastExamined !== undefined && typeof requestTime === 'number' ? candidatesAfter({ requestTime, traceId: lastExamined }) : undefined;
  const statement = after !== undefined ? { sql: `${after.sql} LIMIT ?`, params: [...after.params, batch] } : { sql: `${query.select.sql} LIMIT ? OFFSET ?`, params: [...query.select.params, batch, position] };
  return db.values(statement.sql, statement.params).map(([traceId, rowid]) => ({ traceId: traceId as string, rowid: rowid as number }));
}

type SpanFileText = { readonly text: string } | { readonly error: string };

/** The span file read synchronously, or undefined when it is larger than largestSyncRead (read it with readSpanFile). */
function readSmallSpanFile(spanFiles: SpanFiles, traceId: string): SpanFileText | undefined {
  let fd: number;
  try {
    fd = openSync(spanFiles.pathOf(traceId), 'r');
  } catch (error) {
    return unreadable(error);
  }
  try {
    const { size } = fstatSync(fd);
    if (size > largestSyncRead) return undefined;
    const buffer = Buffer.allocUnsafe(size);
    let length = 0;
    while (length < size) {
      const read = readSync(fd, buffer, length, size - length, length);
      if (read === 0) break;
      length += read;
    }
    return { text: buffer.toString('utf8', 0, length) };
  } catch (error) {
    return unreadable(error);
  } finally {
    closeSync(fd);
  }
}

async function readSpanFile(spanFiles: SpanFiles, traceId: string): Promise<SpanFileText> {
  try {
    return { text: await readFile(spanFiles.pathOf(traceId), 'utf8') };
  } catch (error) {
    return unreadable(error);
  }
}

function unreadable(error: unknown): SpanFileText {
  // No file: the trace has no spans yet (started, or its spans not sent): nothing to match, nothing wrong.
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { text: '' };
  return { error: `its span file could not be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
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
function withShownText(db: Reader, rows: readonly TraceRow[]): Candidate[] {
  const shown = new Map<string, string[]>();
  for (const part of chunks(rows.map((row) => row.traceId))) {
    const rows = db.values(
      `SELECT t.trace_id, t.request_preview, t.response_preview, COALESCE((SELECT value FROM trace_tags WHERE trace_id = t.trace_id AND key = ?), '')
       FROM traces AS t WHERE t.trace_id IN (${placeholders(part.length)})`,
      [traceTagKeys.traceName, ...part],
    );
    for (const [id, request, response, name] of rows) shown.set(id as string, [request as string, response as string, name as string]);
  }
  return rows.map((row) => ({ ...row, shown: shown.get(row.traceId) ?? [] }));
}
