// Issue 16: an unanchored RLIKE ran RE2 on every value of its key (1.4 s over 100,000 traces). A
// literal every match must contain is now tested first with SQLite's instr: it must be sure (no
// value RE2 matches may lack it), or the prefilter would hide matches.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RE2JS } from 're2js';
import { regexRequiredLiteral } from '../../../src/core/search/regexPattern';

describe('the literal an RLIKE pattern requires', () => {
  test('found where it is sure, none where an alternative, a flag or an optional group could do without it', () => {
    const cases: [string, string][] = [
      ['rare', 'rare'],
      ['^gpt-4o?-mini$', 'gpt-4'],
      ['foo\\.bar', 'foo.bar'],
      ['model_\\d+', 'model_'],
      ['[abc]+hello', 'hello'],
      ['x{0,3}yz', 'yz'],
      ['hel{2}o', 'hel'],
      ['colou?r', 'colo'],
      ['prod|staging', ''],
      ['(?i)prod', ''],
      ['(?:rare)', ''],
      ['(abc)?def', ''],
      ['\\d+', ''],
      ['.*', ''],
    ];
    for (const [pattern, literal] of cases) assert.equal(regexRequiredLiteral(pattern), literal, pattern);
  });

  test('every value RE2 matches holds the literal (patterns against many generated values)', () => {
    const patterns = ['ab*c', 'a+b', 'colou?r', 'x{0,3}yz', 'hel{2}o', '[a-c]+bc', '(ab)+c', '(a)(b)c?d', 'a\\+b', 'é€?ü', 'b.c', 'ab{1,2}c', 'a[]b]c', 'a[^x]bc', 'z\\bab', '^ab$', 'a*?b+?c'];
    const alphabet = ['a', 'b', 'c', 'd', 'x', 'y', 'z', 'e', 'h', 'l', 'o', 'r', 'u', '+', ']', 'é', '€', 'ü', ' '];
    let seed = 7;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    let matched = 0;
    for (const pattern of patterns) {
      const literal = regexRequiredLiteral(pattern);
      const compiled = RE2JS.compile(pattern);
      for (let i = 0; i < 20_000; i++) {
        const value = Array.from({ length: 1 + random(8) }, () => alphabet[random(alphabet.length)]).join('');
        if (!compiled.test(value)) continue;
        matched++;
        assert.ok(value.includes(literal), `${pattern} matches ${JSON.stringify(value)}, which lacks ${JSON.stringify(literal)}`);
      }
    }
    assert.ok(matched > 200, `only ${matched} generated values matched: the check proved little`);
  });
});
