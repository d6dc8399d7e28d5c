import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findLensAnchors } from '../../../src/core/editorLens/codeLensScan';
import { lensCommand, lensKinds } from '../../../src/vscode/launch/launchLenses';

const anchors = (text: string) => findLensAnchors(text).map((anchor) => `${anchor.line}:${anchor.reason}`);

describe('where the Run tracked lenses go', () => {
  test('above the __main__ guard, in either quote style and either order', () => {
    assert.deepEqual(anchors('import os\n\nif __name__ == "__main__":\n    main()\n'), ['2:main']);
    assert.deepEqual(anchors("def f():\n    pass\nif __name__=='__main__' :\n    f()"), ['2:main']);
    assert.deepEqual(anchors('if "__main__" == __name__:\n    pass'), ['0:main']);
    assert.deepEqual(anchors('if __name__ == "__main__\':\n    pass'), [], 'mismatched quotes are not a guard');
    assert.deepEqual(anchors('    if __name__ == "__main__":'), [], 'only the top-level guard starts a script');
  });

  test('above each start_run of mlflow or runlens, with or without `with`', () => {
    const text = [
      'import mlflow', // 0
      'import runlens', // 1
      'with mlflow.start_run(run_name="a"):', // 2
      '    pass', // 3
      'run = runlens.start_run()', // 4
      '    with mlflow.start_run(nested=True) as child:', // 5
      'mlflow.end_run()', // 6
    ].join('\r\n');
    assert.deepEqual(anchors(text), ['2:startRun', '4:startRun', '5:startRun']);
  });

  test('both a guard and runs: a lens at each', () => {
    assert.deepEqual(anchors('import mlflow\nwith mlflow.start_run():\n    pass\nif __name__ == "__main__":\n    pass\n'), [
      '1:startRun',
      '3:main',
    ]);
  });

  test('neither: the first line, when the file imports mlflow or runlens', () => {
    assert.deepEqual(anchors('"""Train."""\nimport numpy as np, mlflow\nmlflow.log_metric("x", 1)\n'), ['0:import']);
    assert.deepEqual(anchors('from mlflow.sklearn import log_model\n'), ['0:import']);
    assert.deepEqual(anchors('import runlens as mlflow\n'), ['0:import']);
    assert.deepEqual(anchors('import mlflowx\nimport my_mlflow\nprint("mlflow")\n'), [], 'names that merely contain mlflow are not imports');
    assert.deepEqual(anchors(''), []);
  });

  test('comments and docstrings do not count', () => {
    const text = [
      '"""Usage:', // 0
      '    with mlflow.start_run():', // 1
      'if __name__ == "__main__":', // 2
      '"""', // 3
      "# with mlflow.start_run():", // 4
      'x = 1  # mlflow.start_run(', // 5
      "doc = '''one line''' ", // 6
      'with runlens.start_run():', // 7
    ].join('\n');
    assert.deepEqual(anchors(text), ['7:startRun']);
  });

  // How fast it is, `npm run bench` measures (bench/codeLens.bench.ts): a wall-clock bound here would flake under load.
  test('a large file gets its one lens, at the main guard after 20,000 lines', () => {
    const block = 'import mlflow\nfor i in range(10):\n    mlflow.log_metric("loss", i)\n"""doc"""\n';
    const text = block.repeat(5_000) + 'if __name__ == "__main__":\n    pass\n';
    assert.deepEqual(findLensAnchors(text), [{ line: 20_000, reason: 'main' }]);
  });
});

describe('the lenses at an anchor', () => {
  test('trusted: Run tracked, Run tracked with arguments and Run sweep, carrying the file URI as a string', () => {
    const uri = 'file:///work/train.py';
    const commands = lensKinds(true).map((kind) => lensCommand(kind, uri));
    assert.deepEqual(
      commands.map((c) => [c.title, c.command, c.arguments]),
      [
        ['$(play) Run tracked', 'runlens.runActiveFile', [uri]],
        ['Run tracked with arguments…', 'runlens.runActiveFileWithArguments', [uri]],
        ['Run sweep…', 'runlens.runSweep', [uri]],
      ],
    );
    assert.deepEqual(JSON.parse(JSON.stringify(commands)), commands, 'lens commands survive serialization');
  });

  test('untrusted: one lens that says why and explains when clicked', () => {
    const commands = lensKinds(false).map((kind) => lensCommand(kind, 'file:///w/t.py'));
    assert.equal(commands.length, 1);
    assert.match(commands[0].title, /trust the workspace to launch/);
    assert.equal(commands[0].command, 'runlens.launchUnavailable');
  });
});
