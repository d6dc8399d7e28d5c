// Content signatures (core/traces/contentSignatures.ts): the prefilter that lets a `span.content`
// or `text` search skip span files must never lose a match. Real sql.js, real span files and a real
// signature file in temporary folders; every search is checked against a brute-force scan of the
// span files as SpanFiles reads them, through spans sent again, torn last lines, traces deleted and
// made again under the same ids, and a store whose traces were stored before signatures existed.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { likeMatcher } from '../../../src/core/search/likeMatcher';
import { Database } from '../../../src/core/store/database';
import { TrackingStore } from '../../../src/core/store/trackingStore';
import { seededRandom } from '../../../src/core/sweeps/sweepSpec';
import { ContentSignatures, contentSignaturesFile } from '../../../src/core/traces/contentSignatures';
import { SpanFiles } from '../../../src/core/traces/spanFiles';
import type { SpanJson } from '../../../src/core/traces/spanJson';
import { TraceStore } from '../../../src/core/traces/traceStore';
import { patternBits, signatureOf } from '../../../src/core/traces/trigramSignature';
import { span, traceInfo } from './traceFixtures';

/** SpanFiles counting the span files a search opens (each read asks for the file's path once). */
class CountingSpanFiles extends SpanFiles {
  reads = 0;
  override pathOf(traceId: string): string {
    this.reads++;
    return super.pathOf(traceId);
  }
}

const words = ['refund', 'Invoice', 'parcel', 'REFUND', 'delivery', 'coupon', 'Ünïcode', 'emoji 🚀', 'order#42', 'late'];
/** Patterns over those words: LIKE and ILIKE, runs of three and more, `_`, escapes, ones no signature can help. */
const patterns = ['%refund%', '%Refund%', '%invoice%', '%Invoice%', '%parcel%late%', '%Ünïc%', '%🚀%', '%order#4_%', '%r_fund%', '%de%', '%coupon%', '%zebra%', '%"name":"step_3"%'];

function traceIdOf(i: number): string {
  return `tr-${i.toString(16).padStart(32, '0')}`;
}

describe('content signatures', () => {
  let dir: string;
  let db: Database;
  let spanFiles: CountingSpanFiles;
  let traces: TraceStore;
  let experimentId: string;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'runlens-content-signatures-'));
    db = await Database.open();
    spanFiles = new CountingSpanFiles(path.join(dir, 'traces'));
    traces = new TraceStore(db, spanFiles);
    experimentId = new TrackingStore(db).createExperiment({ name: 'signatures' });
  });
  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every trace of the experiment whose latest span lines (as SpanFiles reads them) the pattern matches. */
  async function bruteForce(pattern: string, ignoreCase: boolean): Promise<string[]> {
    const matches = likeMatcher(pattern, ignoreCase);
    const ids = db.values('SELECT trace_id FROM traces WHERE experiment_id = ?', [Number(experimentId)]).map((row) => row[0] as string);
    const found: string[] = [];
    for (const id of ids) if ((await spanFiles.read(id)).some((stored) => matches(JSON.stringify(stored)))) found.push(id);
    return found.sort();
  }

  async function searched(filter: string): Promise<string[]> {
    const found: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await traces.search({ experimentIds: [experimentId], filter, maxResults: 7, ...(pageToken ? { pageToken } : {}) });
      found.push(...page.items.map((info) => info.trace_id));
      pageToken = page.nextPageToken;
    } while (pageToken !== undefined);
    return found.sort();
  }

  async function checkEveryPattern(when: string): Promise<void> {
    for (const pattern of patterns) {
      for (const operator of ['LIKE', 'ILIKE'] as const) {
        const filter = `span.content ${operator} '${pattern.replaceAll("'", "''")}'`;
        assert.deepEqual(await searched(filter), await bruteForce(pattern, operator === 'ILIKE'), `${when}: ${filter}`);
      }
    }
  }

  test('randomised against a brute-force scan: sends, spans sent again, torn lines, deletes, ids made again, a store made before signatures', async () => {
    const random = seededRandom(16);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const sent = new Map<string, SpanJson[]>();
    let clock = 1_700_000_000_000;
    const send = async (count: number): Promise<void> => {
      const batch: SpanJson[] = [];
      for (let n = 0; n < count; n++) {
        const traceId = traceIdOf(Math.floor(random() * 40));
        const earlier = sent.get(traceId) ?? [];
        const again = earlier.length > 0 && random() < 0.2;
        const text = `${pick(words)} ${pick(words)}`;
        const stored = again
          ? { ...pick(earlier), name: `step_${Math.floor(random() * 5)}`, attributes: [{ key: 'mlflow.spanInputs', value: { string_value: text } }] }
          : span({ traceId, name: `step_${Math.floor(random() * 5)}`, startMs: clock++, durationMs: 1, inputs: { string_value: text } });
        sent.set(traceId, [...earlier, stored]);
        batch.push(stored);
      }
      // As MLflow's client sends them: concurrent single-span exports, sharing the group commit.
      await Promise.all(batch.map((stored) => traces.logSpans(experimentId, [stored])));
    };

    await send(150);
    await checkEveryPattern('after sends');

    // A crash mid-append leaves a torn last line, which no reader counts; then more spans follow it.
    for (let i = 0; i < 5; i++) appendFileSync(spanFiles.pathOf(traceIdOf(i)), '{"trace_id":"x","span_id":"torn","name":"zebra');
    await checkEveryPattern('with torn last lines');
    await send(60);
    await checkEveryPattern('after sends past torn lines');

    // Deleted by id and by age, then made again under the same ids (rowids reused or not).
    const ids = [...sent.keys()];
    const byId = ids.slice(0, 8);
    await traces.deleteTraces({ experimentId, traceIds: byId });
    await traces.deleteTraces({ experimentId, maxTimestampMs: 1_700_000_000_020, maxTraces: 5 });
    for (const id of ids) if (db.values('SELECT 1 FROM traces WHERE trace_id = ?', [id]).length === 0) sent.delete(id);
    await checkEveryPattern('after deletes');
    await send(120);
    await checkEveryPattern('after ids made again');

    // A store made before signatures: its traces and spans stored, no signature file.
    rmSync(path.join(spanFiles.dir, contentSignaturesFile));
    await checkEveryPattern('without a signature file');
    await send(40);
    await checkEveryPattern('sends to traces without signatures');
    assert.ok((await traces.buildContentSignatures()) > 0);
    await checkEveryPattern('after the background build');
    await send(80);
    await checkEveryPattern('after the build and more sends');
  });

  test('a search reads only the files whose signatures may match', async () => {
    const local = mkdtempSync(path.join(os.tmpdir(), 'runlens-content-signatures-reads-'));
    const localDb = await Database.open();
    try {
      const files = new CountingSpanFiles(path.join(local, 'traces'));
      const store = new TraceStore(localDb, files);
      const experiment = new TrackingStore(localDb).createExperiment({ name: 'reads' });
      for (let i = 0; i < 200; i++) {
        const traceId = traceIdOf(10_000 + i);
        const question = i === 117 ? 'where is my parcel, tracking number ZX-9981?' : `what is the status of order ${i}?`;
        await store.logSpans(experiment, [span({ traceId, name: 'agent', startMs: 1000 + i, durationMs: 1, inputs: { string_value: question } })]);
        store.startTrace(traceInfo(traceId, experiment, 1000 + i, 1));
      }
      // Ingestion signed every trace: the build, which waits for the last flush (a new trace's record
      // is written just after its reply), finds none to sign.
      assert.equal(await store.buildContentSignatures(), 0);
      const search = async (filter: string) => {
        files.reads = 0;
        const { items } = await store.search({ experimentIds: [experiment], filter });
        return { found: items.map((info) => info.trace_id), reads: files.reads };
      };
      const rare = await search("span.content LIKE '%ZX-9981%'");
      assert.deepEqual(rare.found, [traceIdOf(10_117)]);
      assert.ok(rare.reads <= 3, `read ${rare.reads} files for one match`);
      assert.equal((await search("span.content ILIKE '%zx-9981%'")).reads, rare.reads);
      // `_` splits the pattern into runs shorter than three: every candidate's file is read.
      const unusable = await search("span.content LIKE '%Z_-9_81%'");
      assert.deepEqual(unusable.found, [traceIdOf(10_117)]);
      assert.equal(unusable.reads, 200);
      // A torn record (its two id hashes differ) speaks for no trace: the file is read, the match kept.
      const signatures = path.join(files.dir, contentSignaturesFile);
      const image = readFileSync(signatures);
      for (let offset = 0; offset < image.length; offset += 256) image[offset + 255] ^= 0xff;
      writeFileSync(signatures, image);
      const torn = await search("span.content LIKE '%ZX-9981%'");
      assert.deepEqual(torn.found, [traceIdOf(10_117)]);
      assert.equal(torn.reads, 200);
      // The build signs them again, from their files.
      assert.equal(await store.buildContentSignatures(), 200);
      assert.ok((await search("span.content LIKE '%ZX-9981%'")).reads <= 3);
    } finally {
      localDb.close();
      rmSync(local, { recursive: true, force: true });
    }
  });

  test('records are read back by rowid, near or far apart, and speak only for their own trace', async () => {
    const signatures = new ContentSignatures(mkdtempSync(path.join(os.tmpdir(), 'runlens-content-signatures-rows-')));
    try {
      const rowids = [5, 1000, 3, 50_000, 7, 6];
      await signatures.write(
        rowids.map((rowid) => ({ row: { rowid, traceId: traceIdOf(rowid) }, signature: signatureOf([`line of ${rowid}`]) })),
        false,
      );
      // Far apart (read in runs), near (one read), another trace's record, a hole, past the end.
      const asked = [50_000, 3, 7, 1000, 5, 6, 4, 60_000].map((rowid) => ({ rowid, traceId: traceIdOf(rowid) }));
      asked.push({ rowid: 5, traceId: traceIdOf(99) });
      const batch = await signatures.read(asked);
      assert.deepEqual(
        asked.map((_, i) => batch.isOwn(i)),
        [true, true, true, true, true, true, false, false, false],
      );
      assert.deepEqual(batch.copy(1), signatureOf(['line of 3']));
      const near = await signatures.read([6, 5, 7, 3].map((rowid) => ({ rowid, traceId: traceIdOf(rowid) })));
      assert.deepEqual([0, 1, 2, 3].map((i) => near.copy(i)), [6, 5, 7, 3].map((rowid) => signatureOf([`line of ${rowid}`])));
    } finally {
      rmSync(path.dirname(signatures.file), { recursive: true, force: true });
    }
  });

  test('patterns without a literal run of three characters cannot use signatures', () => {
    assert.equal(patternBits('%ab%'), undefined);
    assert.equal(patternBits('%a_c_e%'), undefined);
    assert.equal(patternBits('%'), undefined);
    assert.ok(patternBits('%abc%'));
    assert.ok(patternBits('%a\\_c%'), 'an escaped _ is a literal');
  });
});
