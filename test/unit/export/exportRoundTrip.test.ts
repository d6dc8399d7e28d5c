// A store filled through its public API, exported to mlruns/ and imported into a fresh store:
// nothing is lost. Also: the files are what MLflow's FileStore reads.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { storeRootOf } from '../../../src/core/store/runArtifactRoot';
import type { Run } from '../../../src/core/entities';
import { exportMlruns } from '../../../src/core/export/mlrunsExport';
import { runHistory } from '../../../src/core/export/storeReads';
import { importMlflowData } from '../../../src/importers/importMlflowData';
import { parseYaml } from '../../../src/importers/mlruns/metaYaml';
import { filesUnder, openTestStore, readArtifact, sortedByKey, tempFolder, type TestStore } from '../importers/support/importKit';

const artifactFiles: Record<string, Buffer> = {
  'model/MLmodel': Buffer.from('artifact_path: model\n'),
  'plots/curve.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 255]),
  'notes.txt': Buffer.from('hello\n'),
};

async function writeArtifacts(store: TestStore, uri: string): Promise<void> {
  const root = storeRootOf(uri);
  for (const [relative, bytes] of Object.entries(artifactFiles)) await store.artifacts.write(`${root}/${relative}`, Readable.from([bytes]));
}

/** Runs in several states with every kind of data, a logged model and a registered model. */
async function fillStore(store: TestStore): Promise<{ runIds: string[]; modelId: string }> {
  const { tracking, registry } = store;
  const vision = tracking.createExperiment({ name: 'vision', tags: [{ key: 'team', value: 'cv' }] });
  const old = tracking.createExperiment({ name: 'old experiment' });
  const runIds: string[] = [];
  const statuses = ['FINISHED', 'FAILED', 'KILLED', 'RUNNING'] as const;
  for (const [index, status] of statuses.entries()) {
    const run = tracking.createRun({ experimentId: index === 3 ? '0' : vision, runName: `run-${index}`, startTime: 1_700_000_000_000 + index, userId: 'ana' });
    const id = run.info.run_id;
    runIds.push(id);
    tracking.logBatch(id, {
      params: [
        { key: 'lr', value: String(0.1 * (index + 1)) },
        { key: 'optimizer/name', value: 'sgd' },
      ],
      tags: [
        { key: 'mlflow.note.content', value: 'multi\nline: "note"' },
        { key: 'team/owner', value: 'ana' },
      ],
      metrics: [
        ...Array.from({ length: 50 }, (_, step) => ({ key: 'loss', value: 1 / (step + 1), timestamp: 1_700_000_000_000 + step, step })),
        { key: 'loss', value: NaN, timestamp: 1_700_000_001_000, step: 50 },
        { key: 'loss', value: Infinity, timestamp: 1_700_000_001_001, step: 51 },
        { key: 'loss', value: -Infinity, timestamp: 1_700_000_001_002, step: 52 },
        { key: 'val/acc', value: 0.5, timestamp: 1_700_000_000_500, step: 0 },
        { key: 'val/acc', value: 0.75, timestamp: 1_700_000_000_400, step: 0 },
        { key: 'eval', value: 0.9, timestamp: 1_700_000_002_000, step: 1, datasetName: 'train', datasetDigest: 'abc123' },
      ],
    });
    if (index === 0) {
      tracking.logInputs(id, [{ dataset: { name: 'train', digest: 'abc123', source_type: 'local', source: '{"uri": "train.csv"}', schema: '{"x": 1}' }, tags: [{ key: 'mlflow.data.context', value: 'training' }] }]);
    }
    await writeArtifacts(store, run.info.artifact_uri);
    if (status !== 'RUNNING') tracking.updateRun(id, { status, endTime: 1_700_000_100_000 + index });
  }
  tracking.deleteRun(runIds[2]);
  const oldRun = tracking.createRun({ experimentId: old, runName: 'forgotten' });
  runIds.push(oldRun.info.run_id);
  tracking.logMetric(oldRun.info.run_id, { key: 'x', value: 3, timestamp: 5, step: 0 });
  tracking.updateRun(oldRun.info.run_id, { status: 'FINISHED', endTime: 10 });
  tracking.deleteExperiment(old);

  const model = tracking.createLoggedModel({
    experimentId: vision,
    name: 'classifier',
    modelType: 'sklearn',
    sourceRunId: runIds[0],
    params: [{ key: 'depth', value: '4' }],
    tags: [{ key: 'framework', value: 'sklearn' }],
  });
  const modelId = model.info.model_id;
  tracking.logBatch(runIds[0], { metrics: [{ key: 'loss', value: 0.5, timestamp: 1_700_000_000_001, step: 1, modelId }] });
  tracking.logOutputs(runIds[0], [{ modelId, step: 7 }]);
  const modelRoot = storeRootOf(model.info.artifact_uri);
  await store.artifacts.write(`${modelRoot}/MLmodel`, Readable.from([Buffer.from('flavors: {}\n')]));
  tracking.finalizeLoggedModel(modelId, 'LOGGED_MODEL_READY');

  registry.createRegisteredModel('classifier', { description: 'A classifier', tags: [{ key: 'owner', value: 'cv' }] });
  registry.createModelVersion({ name: 'classifier', source: `models:/${modelId}`, runId: runIds[0], modelId, tags: [{ key: 'checked', value: 'yes' }] });
  registry.createModelVersion({ name: 'classifier', source: `runs:/${runIds[1]}/model`, runId: runIds[1] });
  registry.createModelVersion({ name: 'classifier', source: `runs:/${runIds[1]}/model`, runId: runIds[1] });
  registry.transitionModelVersionStage('classifier', 1, 'Production', false);
  registry.setRegisteredModelAlias('classifier', 'champion', 1);
  registry.deleteModelVersion('classifier', 3);
  return { runIds, modelId };
}

/** A run as the export must keep it; the artifact URI is compared on its own. */
function comparable(run: Run): unknown {
  return {
    info: { ...run.info, artifact_uri: undefined },
    params: sortedByKey(run.data.params),
    tags: sortedByKey(run.data.tags),
    latest: sortedByKey(run.data.metrics),
    inputs: run.inputs,
    outputs: run.outputs,
  };
}

describe('export to mlruns/', () => {
  let work: string;
  let source: TestStore;
  let filled: { runIds: string[]; modelId: string };

  before(async () => {
    work = tempFolder('runlens-export-');
    source = await openTestStore();
    filled = await fillStore(source);
  });
  after(() => {
    source.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('writes what MLflow’s FileStore reads', async () => {
    const out = path.join(work, 'format');
    const summary = await exportMlruns(source, out);
    assert.equal(summary.runs, filled.runIds.length);
    assert.deepEqual(summary.skipped, []);
    const [runId] = filled.runIds;
    const run = source.tracking.getRun(runId);
    const runDir = path.join(out, run.info.experiment_id, runId);
    const meta = parseYaml(readFileSync(path.join(runDir, 'meta.yaml'), 'utf8'));
    assert.equal(meta.status, 3, 'FINISHED as the RunStatus number');
    assert.equal(meta.experiment_id, run.info.experiment_id);
    assert.match(readFileSync(path.join(runDir, 'meta.yaml'), 'utf8'), new RegExp(`^experiment_id: '${run.info.experiment_id}'$`, 'm'), 'ids are quoted strings');
    assert.equal(meta.run_uuid, runId);
    assert.equal(meta.source_type, 4);
    assert.deepEqual(meta.tags, []);
    assert.equal(meta.artifact_uri, new URL(`file://${path.join(runDir, 'artifacts')}`).href);
    const lossLines = readFileSync(path.join(runDir, 'metrics', 'loss'), 'utf8').trimEnd().split('\n');
    assert.equal(lossLines[0], '1700000000000 1.0 0');
    assert.ok(lossLines.includes('1700000001000 nan 50') && lossLines.includes('1700000001001 inf 51') && lossLines.includes('1700000001002 -inf 52'));
    assert.equal(readFileSync(path.join(runDir, 'metrics', 'eval'), 'utf8'), '1700000002000 0.9 1 train abc123\n');
    assert.equal(readFileSync(path.join(runDir, 'params', 'optimizer', 'name'), 'utf8'), 'sgd', 'nested keys are folders; no newline added');
    const deletedExperiment = source.tracking.getRun(filled.runIds[4]).info.experiment_id;
    assert.equal(parseYaml(readFileSync(path.join(out, '.trash', deletedExperiment, 'meta.yaml'), 'utf8')).lifecycle_stage, 'deleted');
    const version = parseYaml(readFileSync(path.join(out, 'models', 'classifier', 'version-1', 'meta.yaml'), 'utf8'));
    assert.equal(version.current_stage, 'Production');
    assert.equal(readFileSync(path.join(out, 'models', 'classifier', 'aliases', 'champion'), 'utf8'), '1');
    assert.deepEqual(filesUnder(path.join(runDir, 'artifacts')), Object.keys(artifactFiles).sort().map((p) => path.join(...p.split('/'))).sort());
    await assert.rejects(exportMlruns(source, out), /is not empty/);
  });

  test('export then import into a fresh store loses nothing', async () => {
    const out = path.join(work, 'roundtrip', 'mlruns');
    await exportMlruns(source, out);
    const target = await openTestStore();
    try {
      const summary = await importMlflowData(target, out);
      assert.deepEqual(summary.skipped, []);
      assert.equal(summary.runs.imported, filled.runIds.length);
      for (const experiment of source.tracking.listExperiments('ALL')) {
        const copy = target.tracking.getExperiment(experiment.experiment_id);
        // Default is matched by name: the fresh store's own keeps its creation time.
        const created = (e: typeof copy) => (e.name === 'Default' ? 'own' : e.creation_time);
        assert.deepEqual(
          { name: copy.name, lifecycle: copy.lifecycle_stage, tags: sortedByKey(copy.tags), created: created(copy) },
          { name: experiment.name, lifecycle: experiment.lifecycle_stage, tags: sortedByKey(experiment.tags), created: created(experiment) },
        );
      }
      for (const runId of filled.runIds) {
        const original = source.tracking.getRun(runId);
        const copy = target.tracking.getRun(runId);
        assert.deepEqual(comparable(copy), comparable(original), `run ${runId}`);
        assert.equal(copy.info.artifact_uri, original.info.artifact_uri, 'copied into the store at the same place');
        assert.deepEqual(runHistory(target.db, runId), runHistory(source.db, runId), `full history of ${runId}, links included`);
        if (runId !== filled.runIds[4]) {
          for (const [relative, bytes] of Object.entries(artifactFiles)) {
            assert.deepEqual(await readArtifact(target.artifacts, `${storeRootOf(copy.info.artifact_uri)}/${relative}`), bytes);
          }
        }
      }
      const model = target.tracking.getLoggedModel(filled.modelId);
      const originalModel = source.tracking.getLoggedModel(filled.modelId);
      assert.deepEqual(model, originalModel);
      assert.deepEqual(await readArtifact(target.artifacts, `${storeRootOf(model.info.artifact_uri)}/MLmodel`), Buffer.from('flavors: {}\n'));
      const registered = target.registry.getRegisteredModel('classifier');
      const originalRegistered = source.registry.getRegisteredModel('classifier');
      assert.deepEqual(registered, originalRegistered);
      assert.deepEqual(target.registry.getModelVersion('classifier', 1), source.registry.getModelVersion('classifier', 1));
      assert.throws(() => target.registry.getModelVersion('classifier', 3), /not found/i);
    } finally {
      target.close();
    }
  });

  test('exports only the experiments asked for, and refuses an unknown one', async () => {
    const out = path.join(work, 'selected');
    const summary = await exportMlruns(source, out, { experiments: ['vision'] });
    assert.equal(summary.experiments, 1);
    assert.equal(summary.runs, 3);
    assert.equal(summary.registeredModels, 1, 'the model whose versions come from exported runs');
    const empty = path.join(work, 'unknown');
    mkdirSync(empty);
    await assert.rejects(exportMlruns(source, empty, { experiments: ['no such'] }), /No experiment is named or numbered 'no such'/);
    writeFileSync(path.join(empty, 'keep'), '');
  });
});
