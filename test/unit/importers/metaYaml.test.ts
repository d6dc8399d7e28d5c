// The meta.yaml reader against what PyYAML writes for MLflow, and the export's writer against the
// reader (what RunLens writes it reads back the same).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatMetricValue, parseMetricValue } from '../../../src/core/export/mlrunsLayout';
import { writeYaml } from '../../../src/core/export/yamlWriter';
import { parseYaml, YamlError } from '../../../src/importers/mlruns/metaYaml';

describe('meta.yaml reader', () => {
  test('reads a run meta.yaml as FileStore writes it', () => {
    const text = [
      'artifact_uri: file:///home/ana/mlruns/0/4f1c/artifacts',
      'end_time: 1700000050000',
      "entry_point_name: ''",
      "experiment_id: '0'",
      'lifecycle_stage: active',
      'run_id: 4f1c',
      'run_name: brave-owl-417',
      'source_type: 4',
      'start_time: 1700000000000',
      'status: 3',
      'tags: []',
      'user_id: null',
      'deleted_time:',
      '',
    ].join('\n');
    assert.deepEqual(parseYaml(text), {
      artifact_uri: 'file:///home/ana/mlruns/0/4f1c/artifacts',
      end_time: 1700000050000,
      entry_point_name: '',
      experiment_id: '0',
      lifecycle_stage: 'active',
      run_id: '4f1c',
      run_name: 'brave-owl-417',
      source_type: 4,
      start_time: 1700000000000,
      status: 3,
      tags: [],
      user_id: null,
      deleted_time: null,
    });
  });

  test('folds long plain, single- and double-quoted scalars as YAML does', () => {
    const text = [
      'name: Fraud detection with gradient boosted trees on the quarterly',
      '  transactions extract',
      "schema: '{\"a\": 1,",
      "  \"b\": ''two''}'",
      'note: "first\\nsecond \\u00e9\\',
      '  \\ joined"',
      'paragraphs: one',
      '',
      '  two',
    ].join('\n');
    assert.deepEqual(parseYaml(text), {
      name: 'Fraud detection with gradient boosted trees on the quarterly transactions extract',
      schema: '{"a": 1, "b": \'two\'}',
      note: 'first\nsecond é joined',
      paragraphs: 'one\ntwo',
    });
  });

  test('reads nested mappings, indentless and indented lists, block scalars and comments', () => {
    const text = [
      '# written by hand',
      'tags:',
      '  mlflow.data.context: train',
      "  'odd key': x  # a comment",
      'aliases:',
      '- alias: champion',
      "  version: '2'",
      '- plain',
      'list:',
      '  - 1',
      '  - 2.5',
      'literal: |',
      '  line one',
      '    indented',
      'folded: >-',
      '  a',
      '  b',
      'empty: {}',
    ].join('\n');
    assert.deepEqual(parseYaml(text), {
      tags: { 'mlflow.data.context': 'train', 'odd key': 'x' },
      aliases: [{ alias: 'champion', version: '2' }, 'plain'],
      list: [1, 2.5],
      literal: 'line one\n  indented\n',
      folded: 'a b',
      empty: {},
    });
  });

  test('resolves plain scalars as PyYAML does (YAML 1.1)', () => {
    const resolved = parseYaml(
      ['a: yes', 'b: Off', 'c: ~', 'd: None', 'e: 1e5', 'f: 1.5e+3', 'g: .inf', 'h: -.inf', 'i: 123456789012345678', 'j: 3.6.1', 'k: 0x1f', 'y: n', 'l: 2024-01-02', 'm: 017'].join('\n'),
    );
    assert.deepEqual(resolved, {
      a: true,
      b: false,
      c: null,
      d: 'None',
      e: '1e5',
      f: 1500,
      g: Infinity,
      h: -Infinity,
      i: '123456789012345678',
      j: '3.6.1',
      k: 31,
      y: 'n',
      l: '2024-01-02',
      m: 15,
    });
    assert.ok(Number.isNaN(parseYaml('n: .nan').n));
  });

  test('a key named __proto__ in a file stays a key', () => {
    const read = parseYaml('__proto__: x\nname: y');
    assert.equal(Object.getPrototypeOf(read), Object.prototype);
    assert.deepEqual(Object.entries(read), [['__proto__', 'x'], ['name', 'y']]);
  });

  test('refuses what it cannot read, with the line', () => {
    for (const [text, message] of [
      ['', /the file is empty/],
      ["a: 'unterminated", /line 1/],
      ['a: 1\n  b: 2', /line 1/],
      ['a: 1\na: 2', /unique.* line 2/],
      ['just text', /not a mapping/],
      ['- a\n- b', /not a mapping/],
      ['a: "bad \\q escape"', /escape.* line 1/],
      ['a: !!binary aGVsbG8=', /'a' holds a value meta.yaml never has/],
    ] as const) {
      assert.throws(() => parseYaml(text), (error: Error) => error instanceof YamlError && message.test(error.message), text);
    }
  });
});

describe('meta.yaml writer', () => {
  test('quotes what would read back as something else, and reads back exactly', () => {
    const value = {
      experiment_id: '0',
      flag: 'yes',
      empty: '',
      none: 'None',
      number_text: '1.5',
      url: 'file:///tmp/mlruns/0',
      colon: 'a: b',
      hash: 'x #y',
      quote: "it's",
      lines: 'one\ntwo\ttab \u0001',
      unicode: 'ünïcödé',
      nothing: null,
      count: 3,
      ratio: 0.25,
      list: ['a', '1'],
      nested: { 'mlflow.data.context': 'train' },
      none_list: [],
      none_map: {},
      short_yes: 'y',
      exponent: '1e5',
      date: '2024-01-02',
      long: `${'word '.repeat(40)}end`,
      tags: [{ key: 'k', value: 'v' }],
    };
    const text = writeYaml(value);
    assert.match(text, /^colon: 'a: b'$/m);
    assert.match(text, /^experiment_id: '0'$/m);
    assert.match(text, /^url: file:\/\/\/tmp\/mlruns\/0$/m);
    assert.deepEqual(parseYaml(text), value);
  });
});

describe('metric values in files', () => {
  test('are written as Python writes floats and read back exactly', () => {
    const cases: [number, string][] = [
      [NaN, 'nan'],
      [Infinity, 'inf'],
      [-Infinity, '-inf'],
      [1, '1.0'],
      [-0, '-0.0'],
      [0.25, '0.25'],
      [1e-7, '1e-07'],
      [1.5e300, '1.5e+300'],
      [0.1 + 0.2, '0.30000000000000004'],
    ];
    for (const [value, text] of cases) {
      assert.equal(formatMetricValue(value), text);
      assert.ok(Object.is(parseMetricValue(text), value), text);
    }
    for (const text of ['Infinity', '-Infinity', 'NaN', '+inf']) assert.notEqual(parseMetricValue(text), undefined, text);
    for (const text of ['', '0x10', 'abc', '1,5']) assert.equal(parseMetricValue(text), undefined, text);
  });
});
