// Issue 14: "Import MLflow Data…" and pushes in a guest window run at the owner, through its private job
// routes (/api/2.0/runlens/import/<op>, /api/2.0/runlens/push/<op>), followed by the same client the window uses. Over real HTTP on
// loopback: the import lands in the owner's store with its progress told; Cancel during the write
// leaves the store and its artifacts as they were; only the owner's token gets in; bad arguments
// are refused at once with a clear message, and start nothing.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { fileContentJson, type LaunchOperations } from '../../../src/core/launches/launchOperations';
import { LaunchArtifact } from '../../../src/core/launches/launchTags';
import type { ImportSummary, ImportUpdate } from '../../../src/importers/importMlflowData';
import { followOwnerJob } from '../../../src/server/routes/guest/followOwnerJob';
import { importJobPrefix, type ImportJobRequest } from '../../../src/server/routes/guest/guestImportRoutes';
import { launchOperationPrefix } from '../../../src/server/routes/guest/guestLaunchRoutes';
import { pushJobPrefix, pushRequest, type PushUpdate } from '../../../src/server/routes/pushRoute';
import type { PushSummary } from '../../../src/remote/push/pushRuns';
import { ownerRequest } from '../../../src/vscode/ownerClient';
import { ownerCall } from '../../../src/vscode/ownerOperations';
import { buildFixture, fixtureRuns, type FixtureOptions } from '../../fixtures/mlflow-data/fixtureSpec';
import { writeMlruns } from '../../fixtures/mlflow-data/writeMlruns';
import { tableSnapshot } from '../../fixtures/store/tableSnapshot';
import { openLaunchFixture, type LaunchFixture } from '../launches/support/launchFixture';
import { serveLaunchFixture } from '../launches/support/launchFixtureServer';
import { tempFolder } from '../importers/support/importKit';
import { startTestServer } from './support/testServer';

async function serve(t: TestContext) {
  const f = await openLaunchFixture(t);
  const { server, endpoint, client } = await serveLaunchFixture(t, f);
  /** The window's side: the import followed through the owner's routes. */
  const importAtOwner = (request: ImportJobRequest, options: { signal?: AbortSignal; onProgress?: (update: ImportUpdate) => void } = {}) =>
    followOwnerJob<ImportUpdate, ImportSummary>((route, body) => ownerRequest(endpoint, route, body), importJobPrefix, request, {
      signal: options.signal ?? new AbortController().signal,
      onProgress: options.onProgress ?? (() => undefined),
    });
  return { f, server, client, importAtOwner };
}

/** An mlruns/ folder written by the fixture generator, as MLflow's FileStore writes one. */
function mlrunsFixture(t: TestContext, options: FixtureOptions = {}) {
  const work = tempFolder('runlens-guest-import-');
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const fixture = buildFixture(options);
  writeMlruns(fixture, path.join(work, 'mlruns'));
  return { fixture, source: path.join(work, 'mlruns'), work };
}

/** How many files and folders the store's artifact root holds (none before the first). */
function artifactEntries(f: LaunchFixture): number {
  return existsSync(f.artifacts.root) ? readdirSync(f.artifacts.root, { recursive: true }).length : 0;
}

/** Folders a cancelled import could leave beside the artifact root. */
function stagingLeftovers(f: LaunchFixture): string[] {
  return readdirSync(f.dir).filter((name) => name.includes('.import-'));
}

describe('imports a guest window asks the owner for', () => {
  test('the owner imports an mlruns/ folder into its store, and the guest follows its phases to the summary', async (t) => {
    const { f, importAtOwner } = await serve(t);
    const { fixture, source } = mlrunsFixture(t);
    const phases: string[] = [];
    const summary = await importAtOwner({ source, artifacts: 'copy' }, { onProgress: ({ phase }) => phases.at(-1) !== phase && phases.push(phase) });
    assert.equal(summary.format, 'mlruns');
    const runs = fixtureRuns(fixture);
    assert.equal(summary.runs.imported, runs.length);
    for (const { run } of runs) assert.equal(f.tracking.getRun(run.runId).info.run_name, run.name, 'the run is in the owner’s store');
    assert.deepEqual(phases.filter((phase, i) => phases.indexOf(phase) === i), ['reading', 'copying', 'writing'].filter((p) => phases.includes(p)));
    assert.ok(phases.includes('writing'), `progress reached the write: ${phases.join(', ')}`);
    assert.ok(summary.artifacts.filesCopied > 0, 'artifacts were copied into the owner’s store');

    const again = await importAtOwner({ source });
    assert.equal(again.runs.imported, 0, 'importing again adds nothing');
    assert.equal(again.runs.alreadyPresent, runs.length);
    assert.deepEqual(f.logged, [], 'no server bug');
  });

  test('Cancel during the write ends the job cancelled and leaves the store and its artifacts as they were', async (t) => {
    const { f, client, importAtOwner } = await serve(t);
    // Enough points that the write takes many slices, so the cancel arrives while its transaction is open.
    const { source } = mlrunsFixture(t, { seed: 23, runsPerExperiment: 4, pointsPerMetric: 12_000 });
    const before = tableSnapshot(f.db);
    const artifactsBefore = artifactEntries(f);
    const cancel = new AbortController();
    let progressDuringWrite = 0;
    const ended = importAtOwner(
      { source },
      {
        signal: cancel.signal,
        onProgress: (update) => {
          if (update.phase !== 'writing') return;
          progressDuringWrite++;
          cancel.abort(new Error('cancelled by the person'));
        },
      },
    );
    await assert.rejects(ended, /cancelled by the person/);
    assert.ok(progressDuringWrite > 0, 'the import reached its write before the cancel');
    assert.deepEqual(tableSnapshot(f.db), before, 'no row of the cancelled import is in the store');
    assert.equal(artifactEntries(f), artifactsBefore, 'no artifact of it either');
    assert.deepEqual(stagingLeftovers(f), []);

    // The job's end stays readable, and the store takes the next import whole.
    const status = await client(null).get(`${importJobPrefix}progress?jobId=nope`);
    assert.equal(status.status, 404);
    assert.equal(status.json<{ error_code: string }>().error_code, 'RESOURCE_DOES_NOT_EXIST');
    const { source: small } = mlrunsFixture(t, { seed: 5 });
    assert.ok((await importAtOwner({ source: small })).runs.imported > 0);
  });

  test('one import at a time; progress and cancel answer while its write is open, and the cancel is kept', async (t) => {
    const { f, client } = await serve(t);
    const { source } = mlrunsFixture(t, { seed: 29, runsPerExperiment: 4, pointsPerMetric: 12_000 });
    const owner = client(null);
    const started = await owner.post(`${importJobPrefix}start`, { source });
    assert.equal(started.status, 200, started.text);
    const { jobId } = started.json<{ job: { jobId: string; state: string } }>().job;
    const second = await owner.post(`${importJobPrefix}start`, { source });
    assert.equal(second.status, 400);
    assert.equal(second.json<{ error_code: string }>().error_code, 'INVALID_STATE');
    assert.match(second.json<{ message: string }>().message, /an import is running .* wait for it to end, or cancel it/);

    const before = tableSnapshot(f.db);
    type Job = { state: string; progress?: ImportUpdate };
    const progress = async (): Promise<Job> => {
      const reply = await owner.get(`${importJobPrefix}progress?jobId=${jobId}`);
      assert.equal(reply.status, 200, reply.text);
      return reply.json<{ job: Job }>().job;
    };
    let job = await progress();
    while (job.state === 'running' && job.progress?.phase !== 'writing') {
      await new Promise((resolve) => setTimeout(resolve, 20));
      job = await progress();
    }
    assert.equal(job.state, 'running', 'progress answered while the import’s write was open');
    const cancelled = await owner.post(`${importJobPrefix}cancel`, { jobId });
    assert.equal(cancelled.status, 200, cancelled.text);
    while (job.state === 'running') job = await progress();
    assert.equal(job.state, 'cancelled');
    assert.deepEqual(tableSnapshot(f.db), before, 'the cancelled import wrote nothing');
  });

  test("only the owner's token gets in: a launched script's token and no token are refused", async (t) => {
    const { f, server, client } = await serve(t);
    const { source } = mlrunsFixture(t, { seed: 7 });
    const launch = ownerCall<LaunchOperations>({ url: server.url, token: client(null).token }, launchOperationPrefix);
    const { token: scriptToken } = await launch('open', {
      launchId: randomBytes(16).toString('hex'),
      capture: { tags: {} },
      files: { [LaunchArtifact.OutputLog]: fileContentJson(Buffer.from('')) },
      holderPid: process.pid,
    });
    const before = tableSnapshot(f.db);
    for (const [method, route, body] of [
      ['POST', 'start', { source }],
      ['GET', 'progress?jobId=x', undefined],
      ['POST', 'cancel', { jobId: 'x' }],
    ] as const) {
      const script = await client(scriptToken).request(method, `${importJobPrefix}${route}`, body === undefined ? {} : { json: body });
      assert.equal(script.status, 403, `${route}: ${script.text}`);
      assert.equal(script.json<{ error_code: string }>().error_code, 'PERMISSION_DENIED');
      const anonymous = await client(null).request(method, `${importJobPrefix}${route}`, { ...(body === undefined ? {} : { json: body }), token: null });
      assert.equal(anonymous.status, 401, route);
    }
    assert.deepEqual(tableSnapshot(f.db), before, 'nothing was imported');
  });

  test('bad arguments are refused at once with a clear message, and start nothing', async (t) => {
    const { f, client } = await serve(t);
    const { source, work } = mlrunsFixture(t, { seed: 11 });
    const empty = tempFolder('runlens-guest-import-empty-');
    t.after(() => rmSync(empty, { recursive: true, force: true }));
    const owner = client(null);
    const before = tableSnapshot(f.db);
    const cases: [string, unknown, RegExp][] = [
      ['start', {}, /'source' .* must be a non-empty string/],
      ['start', { source: 42 }, /'source' .* must be a non-empty string/],
      ['start', { source: 'mlruns' }, /'source' must be an absolute path on this machine, not 'mlruns'/],
      ['start', { source: path.join(work, 'no-such-folder') }, /Cannot import .*no-such-folder.*does not exist/],
      ['start', { source: empty }, /Cannot import .* holds no MLflow data/],
      ['start', { source, artifacts: 'move' }, /'artifacts' must be 'copy' .* or 'reference'/],
      ['cancel', {}, /'jobId' .* must be a string/],
    ];
    for (const [operation, body, message] of cases) {
      const reply = await owner.post(`${importJobPrefix}${operation}`, body);
      assert.equal(reply.status, 400, `${JSON.stringify(body)}: ${reply.text}`);
      const error = reply.json<{ error_code: string; message: string }>();
      assert.equal(error.error_code, 'INVALID_PARAMETER_VALUE');
      assert.match(error.message, message);
    }
    const unknown = await owner.post(`${importJobPrefix}cancel`, { jobId: 'never-started' });
    assert.equal(unknown.status, 404);
    assert.match(unknown.json<{ message: string }>().message, /No job 'never-started'/);
    assert.deepEqual(tableSnapshot(f.db), before);
    // With nothing running, a good start is taken: the refusals left no job behind.
    assert.equal((await owner.post(`${importJobPrefix}start`, { source })).status, 200);
  });
});

describe('pushes a guest asks the owner for', () => {
  test('the owner pushes from its store to the remote server, telling its progress; bad URLs and scripts are refused', async (t) => {
    const { f, server, client } = await serve(t);
    const remote = await startTestServer();
    t.after(() => remote.close());
    const experimentId = f.tracking.createExperiment({ name: 'pushed-by-owner' });
    const run = f.tracking.createRun({ experimentId, runName: 'to-the-team', startTime: 1_000 });
    f.tracking.logMetric(run.info.run_id, { key: 'loss', value: 0.5, timestamp: 2_000, step: 0 });
    const endpoint = { url: server.url, token: client(null).token };
    const updates: PushUpdate[] = [];
    const summary = await followOwnerJob<PushUpdate, PushSummary>(
      (route, body) => ownerRequest(endpoint, route, body),
      pushJobPrefix,
      pushRequest({ url: remote.server.url, token: remote.token }, { experiments: [experimentId] }),
      { signal: new AbortController().signal, onProgress: (update) => updates.push(update) },
    );
    assert.equal(summary.runs.pushed, 1);
    assert.equal(summary.counts.metricPoints, 1);
    assert.ok(updates.length > 0, 'the push told its progress');
    const pushed = remote.store.searchRuns({ experimentIds: [remote.store.getExperimentByName('pushed-by-owner')!.experiment_id] }).runs;
    assert.deepEqual(pushed.map((r) => r.info.run_name), ['to-the-team']);
    assert.ok(f.tracking.getRun(run.info.run_id).data.tags?.some((tag) => tag.key.startsWith('runlens.sync.')), 'the owner recorded where the run went');

    const badUrl = await client(null).post(`${pushJobPrefix}start`, { to: 'ftp://example.com' });
    assert.equal(badUrl.status, 400);
    assert.match(badUrl.json<{ message: string }>().message, /not an http\(s\) URL/);
    const launch = ownerCall<LaunchOperations>(endpoint, launchOperationPrefix);
    const { token: scriptToken } = await launch('open', {
      launchId: randomBytes(16).toString('hex'),
      capture: { tags: {} },
      files: { [LaunchArtifact.OutputLog]: fileContentJson(Buffer.from('')) },
      holderPid: process.pid,
    });
    const script = await client(scriptToken).post(`${pushJobPrefix}start`, { to: remote.server.url });
    assert.equal(script.status, 403, 'a launched script may not push the store');
  });
});
