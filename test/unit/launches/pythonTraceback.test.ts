import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { parseTraceback, workspaceFailure } from '../../../src/core/launches/pythonTraceback';

const roots: string[] = [];
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

/** A temp folder with the files given (path → content). */
function folder(files: Record<string, string>): string {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'runlens-traceback-')));
  roots.push(root);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), content);
  }
  return root;
}

/** What python3 printed running the script (stdout then stderr, as the output log holds them), from `cwd`. */
function run(cwd: string, script: string, env: NodeJS.ProcessEnv = {}): string {
  const result = spawnSync('python3', [script], { cwd, encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env } });
  assert.notEqual(result.status, 0, 'the script was meant to fail');
  return result.stdout + result.stderr;
}

describe('Python tracebacks in a run output log', () => {
  test('a plain traceback: the exception, and the innermost frame inside the workspace', () => {
    const root = folder({
      'train.py': 'from helpers import load\nprint("epoch 1 loss 0.5")\nload("data.csv")\n',
      'helpers.py': 'def load(name):\n    rows = []\n    raise ValueError(f"no file {name}")\n',
    });
    const chain = parseTraceback(run(root, path.join(root, 'train.py')));
    assert.equal(chain.length, 1);
    assert.equal(chain[0].type, 'ValueError');
    assert.equal(chain[0].message, 'no file data.csv');
    assert.deepEqual(
      chain[0].frames.map((frame) => [path.basename(frame.file), frame.line, frame.functionName]),
      [
        ['train.py', 3, '<module>'],
        ['helpers.py', 3, 'load'],
      ],
    );
    const failure = workspaceFailure(chain, root, root);
    assert.equal(failure?.file, path.join(root, 'helpers.py'));
    assert.equal(failure?.frame.line, 3);
  });

  test('chains: the message is the last exception, raised while handling or from another', () => {
    const root = folder({
      'handling.py': 'def f():\n    try:\n        {}["lr"]\n    except KeyError:\n        raise RuntimeError("lr missing")\nf()\n',
      'cause.py': 'try:\n    int("x")\nexcept ValueError as error:\n    raise TypeError("bad config") from error\n',
    });
    const handling = parseTraceback(run(root, path.join(root, 'handling.py')));
    assert.deepEqual(
      handling.map((exception) => exception.type),
      ['KeyError', 'RuntimeError'],
    );
    const failure = workspaceFailure(handling, root, root);
    assert.equal(failure?.exception.type, 'RuntimeError');
    assert.equal(failure?.exception.message, 'lr missing');
    assert.equal(failure?.frame.line, 5);

    const cause = parseTraceback(run(root, path.join(root, 'cause.py')));
    assert.deepEqual(
      cause.map((exception) => `${exception.type}: ${exception.message}`),
      [`ValueError: invalid literal for int() with base 10: 'x'`, 'TypeError: bad config'],
    );
    assert.equal(workspaceFailure(cause, root, root)?.frame.line, 4);
  });

  test("a SyntaxError: the script's own (no header, a caret) and an imported module's", () => {
    const root = folder({
      'broken.py': 'x = 1\ndef f(:\n    pass\n',
      'main.py': 'import badmod\n',
      'badmod.py': 'a = 1\nb = (2,\n',
    });
    const own = parseTraceback(run(root, path.join(root, 'broken.py')));
    assert.equal(own.length, 1);
    assert.equal(own[0].type, 'SyntaxError');
    assert.equal(own[0].message, 'invalid syntax');
    assert.equal(workspaceFailure(own, root, root)?.frame.line, 2);
    assert.equal(workspaceFailure(own, root, root)?.frame.functionName, undefined);

    const imported = parseTraceback(run(root, path.join(root, 'main.py')));
    assert.equal(imported.at(-1)?.type, 'SyntaxError');
    assert.match(imported.at(-1)?.message ?? '', /never closed/);
    const failure = workspaceFailure(imported, root, root);
    assert.equal(failure?.file, path.join(root, 'badmod.py'));
    assert.equal(failure?.frame.line, 2);
  });

  test('frames outside the workspace and in site-packages are passed over for the caller in the workspace', () => {
    const outside = folder({ 'lib/outer.py': 'def explode():\n    raise OSError("disk full")\n' });
    const root = folder({
      'train.py': 'import outer\nimport vendored\nvendored.call(outer.explode)\n',
      '.venv/lib/python3.11/site-packages/vendored.py': 'def call(fn):\n    return fn()\n',
    });
    const sitePackages = path.join(root, '.venv/lib/python3.11/site-packages');
    const chain = parseTraceback(run(root, path.join(root, 'train.py'), { PYTHONPATH: `${path.join(outside, 'lib')}:${sitePackages}` }));
    assert.equal(chain.at(-1)?.frames.length, 3);
    const failure = workspaceFailure(chain, root, root);
    assert.equal(failure?.file, path.join(root, 'train.py'));
    assert.equal(failure?.frame.line, 3);
    assert.equal(failure?.exception.message, 'disk full');
    // No frame in the workspace at all: nothing to show.
    assert.equal(workspaceFailure(chain, path.join(root, 'elsewhere'), root), undefined);
  });

  test('only the last traceback counts, whatever was printed around it; colours are ignored', () => {
    const root = folder({
      'noisy.py': [
        'import sys, traceback',
        'try:',
        '    1 / 0',
        'except ZeroDivisionError:',
        '    traceback.print_exc()',
        'print("Error: not a traceback", flush=True)',
        'def deep():',
        '    raise KeyboardInterrupt',
        'deep()',
        '',
      ].join('\n'),
    });
    const output = run(root, path.join(root, 'noisy.py'));
    const chain = parseTraceback(output);
    assert.deepEqual(
      chain.map((exception) => [exception.type, exception.message]),
      [['KeyboardInterrupt', '']],
    );
    assert.equal(workspaceFailure(chain, root, root)?.frame.line, 8);
    const coloured = output.replace('KeyboardInterrupt', '\x1b[1;35mKeyboardInterrupt\x1b[0m');
    assert.equal(parseTraceback(coloured).at(-1)?.type, 'KeyboardInterrupt');
  });

  test('a multi-line message is kept; output without a traceback gives none', () => {
    const root = folder({ 'multi.py': 'raise ValueError("first line\\nsecond line")\n' });
    const chain = parseTraceback(run(root, path.join(root, 'multi.py')));
    assert.equal(chain[0].message, 'first line\nsecond line');
    assert.deepEqual(parseTraceback('epoch 1\nError: something\n  File "x.py", line 3, in f\n'), []);
    assert.deepEqual(parseTraceback(''), []);
  });

  test('a relative frame path is resolved against the process working folder', () => {
    const root = folder({ 'sub/rel.py': 'raise LookupError("nope")\n' });
    const chain = parseTraceback(run(root, 'sub/rel.py'));
    const failure = workspaceFailure(chain, root, root);
    assert.equal(failure?.file, path.join(root, 'sub', 'rel.py'));
    assert.equal(failure?.frame.line, 1);
  });
});
