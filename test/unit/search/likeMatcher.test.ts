// The in-memory LIKE/ILIKE test (span content) must match exactly what the SQL forms match
// (likeToGlob for LIKE, likeWithEscape for ILIKE), as sql.js decides them, value by value.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { likeMatcher } from '../../../src/core/search/likeMatcher';
import { likeToGlob, likeWithEscape } from '../../../src/core/search/likePattern';
import { Database } from '../../../src/core/store/database';

const patterns = ['%', '', 'abc', 'a%', '%c', '%b%', 'a_c', '_', '%a%b%', '%\\%%', '%\\_%', 'a\\\\c', '%[x]%', '%*%', '%?%', '%é%', '_é', '%AB%', 'a%a', '%a%a%', '%%', 'x_%_y'];
const values = ['', 'abc', 'ABC', 'aXc', 'a', 'ab', 'b', 'a%c', 'a_c', 'a\\c', '[x]', '*', '?', 'é', 'aé', 'Éé', 'aa', 'aba', 'xy', 'x12y', 'x1y', '{"k": "a%b"}'];

test('likeMatcher agrees with SQLite on every pattern and value, LIKE case-sensitive, ILIKE folding ASCII', async () => {
  const db = await Database.open();
  try {
    for (const pattern of patterns) {
      const like = likeMatcher(pattern, false);
      const ilike = likeMatcher(pattern, true);
      for (const value of values) {
        const [[glob, escaped]] = db.values(`SELECT ? GLOB ?, ? LIKE ? ESCAPE '\\'`, [value, likeToGlob(pattern), value, likeWithEscape(pattern)]);
        assert.equal(like(value), glob === 1, `'${value}' LIKE '${pattern}'`);
        assert.equal(ilike(value), escaped === 1, `'${value}' ILIKE '${pattern}'`);
      }
    }
  } finally {
    db.close();
  }
});
