import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findLoggedKeys, loggedKeyAt } from '../../../src/core/editorLens/loggedKeys';

const keys = (text: string) => findLoggedKeys(text).map((k) => `${k.kind}:${k.key}@${k.line}:${k.start}-${k.end}`);

describe('the keys a Python script logs, found in its text', () => {
  test("log_param and log_metric of mlflow, the runlens helper and MlflowClient, the literal's columns with its quotes", () => {
    const text = [
      'import mlflow, runlens', // 0
      'mlflow.log_param("lr", 0.01)', // 1
      "runlens.log_metric('loss', loss, step=i)", // 2
      'client.log_param(run.info.run_id, "batch", 32)', // 3
      'log_metric( "val/acc" , 0.9)', // 4
    ].join('\n');
    assert.deepEqual(keys(text), ['param:lr@1:17-21', 'metric:loss@2:19-25', 'param:batch@3:34-41', 'metric:val/acc@4:12-21']);
  });

  test('the top-level keys of log_params and log_metrics dictionaries, over several lines, not nested ones', () => {
    const text = [
      'mlflow.log_params({', // 0
      '    "lr": args.lr, "layers": [1, 2],', // 1
      "    'opt': {'name': 'adam'},", // 2
      '})', // 3
      'mlflow.log_metrics({"mse": mse, "r2": r2}, step=epoch)', // 4
    ].join('\n');
    assert.deepEqual(keys(text), ['param:lr@1:4-8', 'param:layers@1:19-27', 'param:opt@2:4-9', 'metric:mse@4:20-25', 'metric:r2@4:32-36']);
  });

  test("argparse options by their dest: dashes become underscores, dest= wins, short options and positionals are not options", () => {
    const text = [
      'parser.add_argument("-l", "--learning-rate", type=float, default=0.01)', // 0
      'parser.add_argument("--epochs", dest="n_epochs", type=int)', // 1
      'parser.add_argument("data")', // 2
      'parser.add_argument(', // 3
      '    "--seed",', // 4
      '    default=int("7"))', // 5
    ].join('\n');
    assert.deepEqual(keys(text), ['argument:learning_rate@0:26-43', 'argument:n_epochs@1:20-30', 'argument:seed@4:4-12']);
  });

  test('comments and docstrings are not code; CRLF line ends keep the columns', () => {
    const text = ['"""Example:', '    mlflow.log_param("doc", 1)', '"""', '# mlflow.log_metric("old", 1)', 'mlflow.log_metric("new", 1)  # log_param("x", 1)'].join('\r\n');
    assert.deepEqual(keys(text), ['metric:new@4:18-23']);
  });

  test('keys built at run time are not known, and an escaped quote stays in the key', () => {
    assert.deepEqual(keys('mlflow.log_metric(f"loss_{i}", 1)\nmlflow.log_param(name, 1)'), []);
    assert.deepEqual(
      findLoggedKeys('mlflow.log_param("it\\"s", 1)').map((k) => k.key),
      ['it"s'],
    );
  });

  test('the key under a position: inside the literal, its quotes included, and nowhere else', () => {
    const found = findLoggedKeys('x = 1\nmlflow.log_param("lr", 0.01)');
    assert.equal(loggedKeyAt(found, 1, 17)?.key, 'lr');
    assert.equal(loggedKeyAt(found, 1, 21)?.key, 'lr');
    assert.equal(loggedKeyAt(found, 1, 25), undefined);
    assert.equal(loggedKeyAt(found, 0, 18), undefined);
  });
});
