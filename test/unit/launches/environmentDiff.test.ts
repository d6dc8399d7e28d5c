import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeEnvironmentDiff, environmentDiff, isSameEnvironment, parseRequirements } from '../../../src/core/launches/environmentDiff';

describe('environment difference', () => {
  test('pip freeze lines: pins, names that differ only in case or separators, URLs, editables; comments and options skipped', () => {
    const parsed = parseRequirements(
      [
        '# comment',
        '--index-url https://example.invalid/simple',
        'NumPy==1.26.4',
        'scikit_learn==1.4.0',
        'torch @ file:///wheels/torch-2.2.0.whl',
        '-e git+https://example.invalid/repo.git@abc123#egg=my_pkg',
        'requests[socks]==2.31.0',
        '',
        'legacy>=1.0',
      ].join('\n'),
    );
    assert.deepEqual(Object.fromEntries(parsed), {
      numpy: '1.26.4',
      'scikit-learn': '1.4.0',
      torch: 'file:///wheels/torch-2.2.0.whl',
      'my-pkg': 'git+https://example.invalid/repo.git@abc123#egg=my_pkg',
      requests: '2.31.0',
      legacy: '>=1.0',
    });
  });

  test('added, removed and changed packages, the Python version, changed and missing data', () => {
    const diff = environmentDiff(
      {
        requirements: 'numpy==1.26.4\npandas==2.1.0\nScikit-Learn==1.4.0\n',
        pythonVersion: '3.11.7',
        data: [
          { path: '/w/data/train.csv', sha256: 'aa' },
          { path: '/w/data/test.csv', sha256: 'bb' },
          { path: '/w/data/gone.csv', sha256: 'cc' },
        ],
      },
      {
        requirements: 'numpy==2.0.0\nscikit_learn==1.4.0\ntorch==2.2.0\n',
        pythonVersion: '3.12.1',
        data: [
          { path: '/w/data/train.csv', sha256: 'aa' },
          { path: '/w/data/test.csv', sha256: 'b2' },
          { path: '/w/data/gone.csv', sha256: undefined },
        ],
      },
    );
    assert.deepEqual(diff, {
      packages: {
        added: [{ name: 'torch', now: '2.2.0' }],
        removed: [{ name: 'pandas', then: '2.1.0' }],
        changed: [{ name: 'numpy', then: '1.26.4', now: '2.0.0' }],
      },
      python: { then: '3.11.7', now: '3.12.1' },
      data: { changed: ['/w/data/test.csv'], missing: ['/w/data/gone.csv'] },
    });
    assert.equal(isSameEnvironment(diff), false);
    assert.deepEqual(describeEnvironmentDiff(diff), [
      'Python 3.11.7 then, 3.12.1 now',
      'Changed packages: numpy 1.26.4 → 2.0.0',
      'Packages the run had that are missing now: pandas 2.1.0',
      'Packages installed since: torch 2.2.0',
      'Data changed since the run: /w/data/test.csv',
      'Data missing now: /w/data/gone.csv',
    ]);
  });

  test('the same environment, and sides that recorded nothing, differ in nothing', () => {
    const same = environmentDiff({ requirements: 'a==1\n', pythonVersion: '3.11.7', data: [{ path: 'x', sha256: '1' }] }, { requirements: 'A==1', pythonVersion: '3.11.7', data: [{ path: 'x', sha256: '1' }] });
    assert.equal(isSameEnvironment(same), true);
    assert.deepEqual(describeEnvironmentDiff(same), []);
    const unknown = environmentDiff({}, { requirements: 'a==1\n', pythonVersion: '3.12.0' });
    assert.equal(unknown.packages, undefined, 'no listing then: no package difference claimed');
    assert.equal(unknown.python, undefined);
    assert.equal(isSameEnvironment(unknown), true);
  });

  test('a long list names a few and counts the rest', () => {
    const then = Array.from({ length: 12 }, (_, i) => `p${String(i).padStart(2, '0')}==1`).join('\n');
    const lines = describeEnvironmentDiff(environmentDiff({ requirements: then }, { requirements: '' }), 3);
    assert.deepEqual(lines, ['Packages the run had that are missing now: p00 1, p01 1, p02 1 and 9 more']);
  });
});
