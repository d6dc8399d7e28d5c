import { Readable } from 'node:stream';
import { storeRootOf } from '../../../../src/core/store/runArtifactRoot';
import type { TestStore } from '../../importers/support/importKit';

export interface SeededRuns {
  readonly finished: string;
  readonly running: string;
  readonly failed: string;
  readonly deleted: string;
  readonly modelId: string;
}

const bigArtifact = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7) % 251));

export async function writeFiles(store: TestStore, uri: string, files: Record<string, Buffer>): Promise<void> {
  const root = storeRootOf(uri);
  for (const [relative, bytes] of Object.entries(files)) await store.artifacts.write(`${root}/${relative}`, Readable.from([bytes]));
}

/** A history of `count` points per key, with NaN and the infinities among them. */
export function points(keys: readonly string[], count: number, start = 0): { key: string; value: number; timestamp: number; step: number }[] {
  return keys.flatMap((key, k) =>
    Array.from({ length: count }, (_, i) => {
      const step = start + i;
      const value = step % 97 === 13 ? NaN : step % 89 === 5 ? Infinity : step % 83 === 7 ? -Infinity : Math.sin(step + k) * 10;
      return { key, value, timestamp: 1_700_000_000_000 + step * 10 + k, step };
    }),
  );
}

/** Logs points in batches of at most 1,000, as MLflow's log-batch takes them. */
export function logPoints(store: TestStore, runId: string, metrics: ReturnType<typeof points>): void {
  for (let i = 0; i < metrics.length; i += 1000) store.tracking.logBatch(runId, { metrics: metrics.slice(i, i + 1000) });
}

/** Local runs in several states, with everything a push carries. */
export async function seedRuns(store: TestStore): Promise<SeededRuns> {
  const { tracking } = store;
  const vision = tracking.createExperiment({ name: 'vision', tags: [{ key: 'team', value: 'cv' }] });

  const finished = tracking.createRun({ experimentId: vision, runName: 'resnet', startTime: 1_700_000_000_000, userId: 'ana' }).info;
  tracking.logBatch(finished.run_id, {
    params: [
      { key: 'lr', value: '0.01' },
      { key: 'optimizer/name', value: 'adam' },
    ],
    tags: [
      { key: 'mlflow.note.content', value: 'first\nsecond' },
      { key: 'stage', value: 'baseline' },
    ],
  });
  logPoints(store, finished.run_id, points(['loss', 'acc', 'val/loss'], 1500));
  tracking.logInputs(finished.run_id, [{ dataset: { name: 'imagenet-mini', digest: 'feedbeef', source_type: 'local', source: '{"uri": "data"}' }, tags: [{ key: 'mlflow.data.context', value: 'train' }] }]);
  await writeFiles(store, finished.artifact_uri, { 'weights/big.bin': bigArtifact, 'notes.txt': Buffer.from('notes\n'), 'plots/a b.png': Buffer.from([1, 2, 3]) });
  const model = tracking.createLoggedModel({ experimentId: vision, name: 'resnet_model', modelType: 'pytorch', sourceRunId: finished.run_id, params: [{ key: 'depth', value: '18' }], tags: [{ key: 'framework', value: 'torch' }] });
  const modelId = model.info.model_id;
  tracking.logBatch(finished.run_id, { metrics: [{ key: 'model_score', value: 0.93, timestamp: 1_700_000_900_000, step: 0, modelId }] });
  tracking.logOutputs(finished.run_id, [{ modelId, step: 1499 }]);
  await writeFiles(store, model.info.artifact_uri, { MLmodel: Buffer.from('flavors:\n  pytorch: {}\n'), 'data/model.pth': Buffer.from('weights') });
  tracking.finalizeLoggedModel(modelId, 'LOGGED_MODEL_READY');
  tracking.updateRun(finished.run_id, { status: 'FINISHED', endTime: 1_700_001_000_000 });

  const running = tracking.createRun({ experimentId: vision, runName: 'vit', startTime: 1_700_000_000_100 }).info;
  logPoints(store, running.run_id, points(['loss', 'acc'], 800));

  const failed = tracking.createRun({ runName: 'quick-check', startTime: 1_700_000_000_200 }).info;
  tracking.logBatch(failed.run_id, { params: [{ key: 'seed', value: '1' }], metrics: points(['loss'], 10) });
  tracking.updateRun(failed.run_id, { status: 'FAILED', endTime: 1_700_000_000_900 });

  const deleted = tracking.createRun({ experimentId: vision, runName: 'mistake' }).info;
  tracking.deleteRun(deleted.run_id);
  return { finished: finished.run_id, running: running.run_id, failed: failed.run_id, deleted: deleted.run_id, modelId };
}
