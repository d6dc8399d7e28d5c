import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseSweepFile, parseSweepLine } from '../../../src/core/sweeps/sweepFile';
import { expandSweep, SweepSpecError, validateSweepSpec } from '../../../src/core/sweeps/sweepSpec';

describe('sweep specs', () => {
  test('a grid is the product of its lists, the last parameter varying fastest, env variables included', () => {
    const spec = validateSweepSpec({ parameters: { lr: [0.1, 0.01, 0.001], batch: [16, 32] }, env: { SEED: ['7'] }, args: ['--epochs', '3'] });
    assert.equal(spec.method, 'grid');
    const points = expandSweep(spec);
    assert.equal(points.length, 6);
    assert.deepEqual(points[0], { args: ['--epochs', '3', '--lr', '0.1', '--batch', '16'], env: { SEED: '7' }, values: { lr: '0.1', batch: '16', 'env.SEED': '7' } });
    assert.deepEqual(points[1].values, { lr: '0.1', batch: '32', 'env.SEED': '7' });
    assert.deepEqual(points[5].values, { lr: '0.001', batch: '32', 'env.SEED': '7' });
    assert.equal(new Set(points.map((point) => point.args.join(' '))).size, 6, 'every point differs');
  });

  test('booleans are flags: true passes the bare flag, false leaves it out', () => {
    const points = expandSweep(validateSweepSpec({ parameters: { amp: [true, false] } }));
    assert.deepEqual(points.map((point) => point.args), [['--amp'], []]);
  });

  test('a list sweep runs its points as given; env. keys set variables', () => {
    const points = expandSweep(validateSweepSpec({ points: [{ lr: 0.1, 'env.CUDA_VISIBLE_DEVICES': '0' }, { lr: 0.5 }] }));
    assert.deepEqual(points, [
      { args: ['--lr', '0.1'], env: { CUDA_VISIBLE_DEVICES: '0' }, values: { lr: '0.1', 'env.CUDA_VISIBLE_DEVICES': '0' } },
      { args: ['--lr', '0.5'], env: {}, values: { lr: '0.5' } },
    ]);
  });

  test('random samples are the same for the same seed, differ for another, and stay in their ranges', () => {
    const spec = (seed: number) =>
      validateSweepSpec({ method: 'random', samples: 20, seed, parameters: { lr: { min: 1e-4, max: 1e-1, log: true }, layers: { min: 1, max: 4, integer: true }, act: ['relu', 'gelu'] } });
    const first = expandSweep(spec(42));
    assert.deepEqual(expandSweep(spec(42)), first);
    assert.notDeepEqual(expandSweep(spec(43)), first);
    assert.equal(first.length, 20);
    for (const point of first) {
      const lr = Number(point.values.lr);
      assert.ok(lr >= 1e-4 && lr <= 1e-1, `lr ${lr} in range`);
      assert.ok(['1', '2', '3', '4'].includes(point.values.layers), `layers ${point.values.layers}`);
      assert.ok(['relu', 'gelu'].includes(point.values.act));
    }
    assert.ok(new Set(first.map((point) => point.values.layers)).size > 1, 'the integer range is sampled, not fixed');
  });

  test('bad specs are refused with the field named', () => {
    const refused = (input: unknown, pattern: RegExp) => assert.throws(() => validateSweepSpec(input), (error: unknown) => SweepSpecError.is(error) && pattern.test(error.message));
    refused({ parameters: {} }, /name at least one argument/);
    refused({ parameters: { lr: { min: 0, max: 1 } } }, /lr: a grid takes a list/);
    refused({ method: 'random', parameters: { lr: [1] } }, /samples: a random sweep needs/);
    refused({ parameters: { lr: [] } }, /parameters\.lr: give one value or more/);
    refused({ parameters: { lr: [{}] } }, /parameters\.lr\[0\]: expected a string, number or boolean/);
    refused({ parameters: { 'bad name': [1] } }, /not a usable name/);
    refused({ parameters: { lr: [1] }, concurency: 2 }, /concurency: not a sweep field/);
    refused({ method: 'random', samples: 3, parameters: { lr: { min: 0, max: 1, log: true } } }, /log range needs min above 0/);
    assert.throws(() => expandSweep(validateSweepSpec({ parameters: { a: Array.from({ length: 200 }, (_, i) => i), b: Array.from({ length: 200 }, (_, i) => i) } })), /40000 points/);
  });

  test('sweep files: JSON and YAML give the same spec; a syntax error names the file', () => {
    const json = parseSweepFile('{"script": "train.py", "parameters": {"lr": [0.1, 0.01]}, "concurrency": 2}', 'a.sweep.json');
    const yaml = parseSweepFile('script: train.py\nparameters:\n  lr: [0.1, 0.01]\nconcurrency: 2\n', 'a.sweep.yaml');
    assert.deepEqual(yaml, json);
    assert.throws(() => parseSweepFile('{"parameters": ', 'b.sweep.json'), /b\.sweep\.json is not valid JSON/);
    assert.throws(() => parseSweepFile('parameters: [1, 2', 'c.sweep.yml'), /c\.sweep\.yml is not valid YAML/);
    assert.throws(() => parseSweepFile('parameters: {lr: 3}', 'd.sweep.yaml'), /d\.sweep\.yaml: parameters\.lr: expected a list of values/);
  });

  test('the quick input line: lists for a grid, ranges for random samples, env. for variables', () => {
    const grid = parseSweepLine('--lr=0.1,0.01,0.001 batch=16,32 env.SEED=1', 'grid');
    assert.equal(expandSweep(grid).length, 6);
    assert.deepEqual(grid.env, { SEED: [1] });
    assert.deepEqual(grid.parameters.lr, [0.1, 0.01, 0.001]);
    const random = parseSweepLine('lr=1e-4..1e-1 layers=1..4', 'random', { samples: 5, seed: 1 });
    assert.deepEqual(random.parameters, { lr: { min: 1e-4, max: 1e-1, log: true }, layers: { min: 1, max: 4, integer: true } });
    assert.equal(expandSweep(random).length, 5);
    assert.deepEqual(parseSweepLine('opt=adam,0.10', 'grid').parameters.opt, ['adam', '0.10'], 'values reach the script as typed');
    assert.throws(() => parseSweepLine('lr', 'grid'), /write name=value1,value2/);
    assert.deepEqual(parseSweepLine('lr=1..2', 'grid').parameters.lr, ['1..2'], 'a grid has no ranges: the text is a value');
  });
});
