import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sparklineSvg, svgDataUri } from '../../../src/core/editorLens/sparkline';

const points = (svg: string) =>
  /points="([^"]+)"/
    .exec(svg)![1]
    .split(' ')
    .map((pair) => pair.split(',').map(Number));

describe("a metric's sparkline", () => {
  test('the line spans the box, higher values higher up, and the best point is marked in either direction', () => {
    const svg = sparklineSvg([4, 2, 1, 3], 'lower', { width: 100, height: 20 })!;
    const line = points(svg);
    assert.equal(line.length, 4);
    assert.deepEqual(line[0], [2, 2], 'the highest value touches the top padding');
    assert.deepEqual(line[2], [66, 18], 'the lowest the bottom');
    assert.equal(line[3][0], 98);
    assert.match(svg, /<circle cx="66" cy="18"/, 'lower is better: the lowest point is the best');
    assert.match(sparklineSvg([4, 2, 1, 3], 'higher', { width: 100, height: 20 })!, /<circle cx="2" cy="2"/);
  });

  test('NaN and infinities are skipped; fewer than two values make no line; a flat metric is drawn mid-height', () => {
    assert.equal(sparklineSvg([1], 'lower'), undefined);
    assert.equal(sparklineSvg([NaN, Infinity, 2], 'lower'), undefined);
    assert.deepEqual(points(sparklineSvg([NaN, 5, 5], 'lower', { width: 10, height: 10 })!), [[2, 5], [8, 5]]);
  });

  test('a long history is thinned to a bounded number of points, first and last kept', () => {
    const values = Array.from({ length: 100_000 }, (_, i) => i);
    const line = points(sparklineSvg(values, 'higher', { width: 160, height: 32 })!);
    assert.ok(line.length <= 120, `${line.length} points`);
    assert.deepEqual(line[0], [2, 30]);
    assert.deepEqual(line.at(-1), [158, 2]);
  });

  test('the data URI decodes to the SVG', () => {
    const svg = sparklineSvg([1, 2], 'lower')!;
    const uri = svgDataUri(svg);
    assert.ok(uri.startsWith('data:image/svg+xml;base64,'));
    assert.equal(Buffer.from(uri.slice(uri.indexOf(',') + 1), 'base64').toString('utf8'), svg);
  });
});
