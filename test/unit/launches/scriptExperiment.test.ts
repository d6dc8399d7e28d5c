import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { experimentNamedIn } from '../../../src/core/launches/scriptExperiment';

describe('the experiment a script names', () => {
  test('one literal name, in any of the ways a script writes it', () => {
    assert.equal(experimentNamedIn('import mlflow\nmlflow.set_experiment("diabetes-random-forest")\n'), 'diabetes-random-forest');
    assert.equal(experimentNamedIn("import runlens as mlflow\nmlflow.set_experiment( experiment_name='line fit' )\n"), 'line fit');
    assert.equal(experimentNamedIn('mlflow.set_experiment("a")\nif x:\n    mlflow.set_experiment("a")\n'), 'a', 'the same name twice');
    assert.equal(experimentNamedIn('# mlflow.set_experiment("old")\nmlflow.set_experiment("new")\n'), 'new', 'comment lines do not count');
  });

  test('none when the script names none, several, or one computed at run time', () => {
    assert.equal(experimentNamedIn('import mlflow\nwith mlflow.start_run():\n    pass\n'), undefined);
    assert.equal(experimentNamedIn('mlflow.set_experiment("a")\nmlflow.set_experiment("b")\n'), undefined);
    assert.equal(experimentNamedIn('mlflow.set_experiment("a")\nmlflow.set_experiment(name)\n'), undefined);
    assert.equal(experimentNamedIn('mlflow.set_experiment(f"sweep-{seed}")\n'), undefined);
    assert.equal(experimentNamedIn('mlflow.set_experiment(experiment_id="3")\n'), undefined);
  });
});
