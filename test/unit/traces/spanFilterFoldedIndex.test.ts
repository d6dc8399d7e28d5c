// Issue 16: `span.attributes.<key> ILIKE 'prefix%'` seeks the index of case-folded values (schema
// version 11) instead of reading every value of the key, and finds exactly what SQLite's LIKE finds
// (ASCII case ignored, anything else compared as it is), whatever the prefix holds: escapes, letters
// outside ASCII, characters beyond the BMP, the highest code point. A store of schema 9 gains the
// index when opened.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { regexLiteralPrefix, sqlRegexp } from '../../../src/core/search/regexPattern';
import { compileTraceSearch } from '../../../src/core/search/traceSearch';
import { asciiLowerCase, likeLiteralPrefix, likeWithEscape, prefixRange } from '../../../src/core/search/likePattern';
import type { SqlFragment } from '../../../src/core/search/sqlFragment';
import { Database } from '../../../src/core/store/database';
import type { OpenOptions } from '../../../src/core/store/databaseApi';
import { migrations } from '../../../src/core/store/schema';
import { TrackingStore } from '../../../src/core/store/trackingStore';
import { SpanFiles } from '../../../src/core/traces/spanFiles';
import { TraceStore } from '../../../src/core/traces/traceStore';
import { tempDir } from '../store/storeTestKit';

const manual: OpenOptions = { idleCheckpointMs: 0, checkpointBytes: 1 << 30 };
const key = 'gen_ai.request.model';

/** Values that fold, or do not, in the ways SQLite's LIKE and lower() treat case. */
const values = [
  'Rare-Model',
  'rare_model',
  'RAREST',
  'rarf',
  'rar',
  'rare%done',
  'Ünïcode',
  'ünïcode',
  'emoji😀tail',
  'emoji😁tail',
  '\u{10FFFF}top',
  'a\u{10FFFF}',
  'b',
  'ﬀ-ligature',
  'FF-ligature',
];
const patterns = ['RARE%', 'rare\\_%', 'rare\\%%', 'rar_%', 'RAR', 'Ü%', 'ü%', 'EMOJI😀%', 'emoji%', '\u{10FFFF}%', 'A\u{10FFFF}%', 'ff%', '%MODEL', 'B'];

function seed(db: Database, experimentId: string): void {
  db.write((tx) => {
    values.forEach((value, i) => {
      const traceId = `tr-${i.toString(16).padStart(32, '0')}`;
      tx.run('INSERT INTO traces (trace_id, experiment_id, request_time, execution_ms, state, info_logged) VALUES (?, ?, ?, 1, ?, 1)', [traceId, Number(experimentId), 1000 + i, 'OK']);
      tx.run('INSERT INTO trace_span_attributes (trace_id, key, span_id, value) VALUES (?, ?, ?, ?)', [traceId, key, 's1', value]);
    });
  });
}

/** What SQLite's own LIKE finds, read without any index: the reply ILIKE gave before the folded index. */
function likeFinds(db: Database, pattern: string): string[] {
  return db
    .values(`SELECT DISTINCT trace_id FROM trace_span_attributes WHERE key = ? AND +value LIKE ? ESCAPE '\\' ORDER BY trace_id`, [key, likeWithEscape(pattern)])
    .map((row) => String(row[0]));
}

async function searchFinds(traces: TraceStore, experimentId: string, pattern: string, operator = 'ILIKE'): Promise<string[]> {
  const filter = `span.attributes.${key} ${operator} '${pattern.replaceAll("'", "''")}'`;
  return (await traces.search({ experimentIds: [experimentId], maxResults: 500, filter })).items
    .map((trace) => trace.trace_id)
    .sort();
}

describe('span attribute ILIKE over the folded index', () => {
  test('each prefix finds exactly what LIKE finds, and counts its matches over the folded index', async () => {
    const db = await Database.open();
    const experimentId = new TrackingStore(db).createExperiment({ name: 'folded' });
    const traces = new TraceStore(db, new SpanFiles('/nonexistent-runlens-spans'));
    seed(db, experimentId);
    for (const pattern of patterns) {
      assert.deepEqual(await searchFinds(traces, experimentId, pattern), likeFinds(db, pattern), `ILIKE '${pattern}'`);
    }
    // The count that chooses the plan: what reads it.
    const counted: SqlFragment[] = [];
    compileTraceSearch({ experimentIds: [experimentId], filter: `span.attributes.${key} ILIKE 'RARE%'` }, (statement) => {
      counted.push(statement);
      return Number(db.values(statement.sql, statement.params)[0][0]);
    });
    assert.equal(counted.length, 1);
    const plan = db
      .all<{ detail: string }>(`EXPLAIN QUERY PLAN ${counted[0].sql}`, counted[0].params)
      .map((row) => row.detail)
      .join(' | ');
    assert.match(plan, /USING INDEX trace_span_attributes_by_folded_value \(key=\? AND <expr>>\? AND <expr><\?\)/, plan);
    db.close();
  });

  test('an anchored RLIKE seeks its literal start in the value index, and finds exactly what RE2 finds in every value', async () => {
    const db = await Database.open();
    const experimentId = new TrackingStore(db).createExperiment({ name: 'anchored' });
    const traces = new TraceStore(db, new SpanFiles('/nonexistent-runlens-spans'));
    seed(db, experimentId);
    const every = db.values('SELECT trace_id, value FROM trace_span_attributes WHERE key = ?', [key]);
    for (const pattern of ['^rar', '^rare?', '^Rare-', '^ra|^RA', '^ü', '^emoji😀', '^\u{10FFFF}', '^b$', '^rare_model$', '^rare%', '^a.', '^rar{1,2}', '^(?i)rare']) {
      const expected = every.filter(([, value]) => sqlRegexp(pattern, value) === 1).map(([traceId]) => String(traceId)).sort();
      assert.deepEqual(await searchFinds(traces, experimentId, pattern, 'RLIKE'), expected, `RLIKE '${pattern}'`);
    }
    assert.deepEqual(
      ['^gpt-4o', '^gpt\\-4', '^rare?', '^ab*c', '^a{2}', 'rare', '^a|b', '^(?i)x', '^'].map(regexLiteralPrefix),
      ['gpt-4o', 'gpt', 'rar', 'a', '', '', '', '', ''],
    );
    db.close();
  });

  test('prefixes and their ranges', () => {
    assert.equal(likeLiteralPrefix('ab\\%c%d'), 'ab%c');
    assert.equal(likeLiteralPrefix('%ab'), '');
    assert.equal(likeLiteralPrefix('a_b'), 'a');
    assert.equal(asciiLowerCase('ÄBc'), 'Äbc');
    assert.deepEqual(prefixRange('ab'), { lower: 'ab', upper: 'ac' });
    assert.deepEqual(prefixRange('a\uD7FF'), { lower: 'a\uD7FF', upper: 'a\uE000' });
    assert.deepEqual(prefixRange('a😀'), { lower: 'a😀', upper: 'a😁' });
    assert.deepEqual(prefixRange('a\u{10FFFF}'), { lower: 'a\u{10FFFF}', upper: 'b' });
    assert.deepEqual(prefixRange('\u{10FFFF}'), { lower: '\u{10FFFF}' });
    assert.equal(prefixRange(''), undefined);
    assert.equal(prefixRange('a\uD800'), undefined);
  });

  test('a store of schema 9 gains the folded index when opened, and ILIKE finds its older values', async (t) => {
    const dir = tempDir(t);
    const older = await Database.open({ ...manual, dir, migrations: migrations.filter((migration) => migration.version <= 9) });
    const experimentId = new TrackingStore(older).createExperiment({ name: 'old' });
    seed(older, experimentId);
    older.close();

    const db = await Database.open({ ...manual, dir });
    assert.ok(db.get("SELECT 1 AS found FROM sqlite_master WHERE type = 'index' AND name = 'trace_span_attributes_by_folded_value'"), 'the index exists');
    const traces = new TraceStore(db, new SpanFiles('/nonexistent-runlens-spans'));
    assert.deepEqual(await searchFinds(traces, experimentId, 'RARE%'), likeFinds(db, 'RARE%'));
    assert.equal(likeFinds(db, 'RARE%').length, 4);
    db.close();
  });
});
