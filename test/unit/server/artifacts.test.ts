// The artifact service over real HTTP: what the MLflow client does to upload, list and download
// model files, plus the listings for runs and logged models.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from './support/testServer';

const base = '/api/2.0/mlflow-artifacts/artifacts';

describe('artifact routes', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    assert.equal(t.logged.length, 0, t.logged.join('\n'));
    await t.close();
  });

  const put = (p: string, body: Buffer | string, contentType = 'application/octet-stream') =>
    t.client.request('PUT', `${base}/${p}`, { body, headers: { 'content-type': contentType } });

  test('a raw-body upload lands as the file, and downloads byte for byte with its content type', async () => {
    const requirements = 'mlflow==3.6.0\nscikit-learn==1.2.1\n';
    const model = randomBytes(300_000);
    assert.equal((await put('1/models/m-1/artifacts/requirements.txt', requirements, 'text/plain')).status, 200);
    const uploaded = await put('1/models/m-1/artifacts/model.pkl', model);
    assert.equal(uploaded.status, 200);
    assert.deepEqual(uploaded.json(), {});
    assert.deepEqual(readFileSync(path.join(t.artifactRoot, '1/models/m-1/artifacts/model.pkl')), model);

    const text = await t.client.get(`${base}/1/models/m-1/artifacts/requirements.txt`);
    assert.equal(text.status, 200);
    assert.equal(text.headers['content-type'], 'text/plain');
    assert.equal(text.text, requirements);
    const binary = await t.client.get(`${base}/1/models/m-1/artifacts/model.pkl`);
    assert.equal(binary.headers['content-type'], 'application/octet-stream');
    assert.equal(Number(binary.headers['content-length']), model.length);
    assert.deepEqual(binary.body, model);
  });

  test('downloads carry a sandboxing CSP, so an HTML artifact cannot script this origin', async () => {
    await put('1/r1/artifacts/estimator.html', '<script>alert(1)</script>', 'text/html');
    const reply = await t.client.get(`${base}/1/r1/artifacts/estimator.html`);
    assert.equal(reply.headers['content-type'], 'text/html');
    assert.match(String(reply.headers['content-security-policy']), /sandbox/);
    assert.equal(reply.headers['x-content-type-options'], 'nosniff');
  });

  test('MLmodel and YAML files are text/plain, as MLflow serves them', async () => {
    await put('1/models/m-2/artifacts/MLmodel', 'flavors: {}\n', 'text/plain');
    await put('1/models/m-2/artifacts/conda.yaml', 'channels: []\n', 'text/plain');
    for (const name of ['MLmodel', 'conda.yaml']) {
      const reply = await t.client.get(`${base}/1/models/m-2/artifacts/${name}`);
      assert.equal(reply.headers['content-type'], 'text/plain', name);
    }
  });

  test('lists a folder with names relative to it, sorted, folders without a size', async () => {
    await put('2/r/artifacts/b.txt', 'bb', 'text/plain');
    await put('2/r/artifacts/a.txt', 'a', 'text/plain');
    await put('2/r/artifacts/plots/loss.png', randomBytes(10));
    const reply = await t.client.get(`${base}?path=${encodeURIComponent('2/r/artifacts')}`);
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.json(), {
      files: [
        { path: 'a.txt', is_dir: false, file_size: 1 },
        { path: 'b.txt', is_dir: false, file_size: 2 },
        { path: 'plots', is_dir: true },
      ],
    });
  });

  test('a folder that does not exist lists as {} (MLflow omits the empty list)', async () => {
    const reply = await t.client.get(`${base}?path=${encodeURIComponent('1/nothing/artifacts/random_forest_model')}`);
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.json(), {});
  });

  test('a missing file is a 404 RESOURCE_DOES_NOT_EXIST; a folder is not a file', async () => {
    const missing = await t.client.get(`${base}/1/models/m-1/artifacts/nope.bin`);
    assert.equal(missing.status, 404);
    assert.equal(missing.json().error_code, 'RESOURCE_DOES_NOT_EXIST');
    const folder = await t.client.get(`${base}/1/models/m-1/artifacts`);
    assert.equal(folder.status, 400);
    assert.equal(folder.json().error_code, 'INVALID_PARAMETER_VALUE');
  });

  test('an upload replaces the file; DELETE removes files and whole folders', async () => {
    await put('3/r/artifacts/x/notes.txt', 'first', 'text/plain');
    await put('3/r/artifacts/x/notes.txt', 'second', 'text/plain');
    assert.equal((await t.client.get(`${base}/3/r/artifacts/x/notes.txt`)).text, 'second');
    const deleted = await t.client.request('DELETE', `${base}/3/r/artifacts/x/notes.txt`);
    assert.equal(deleted.status, 200);
    assert.equal((await t.client.get(`${base}/3/r/artifacts/x/notes.txt`)).status, 404);
    await put('3/r/artifacts/x/y/z.txt', 'z', 'text/plain');
    assert.equal((await t.client.request('DELETE', `${base}/3/r/artifacts/x`)).status, 200);
    assert.deepEqual((await t.client.get(`${base}?path=3/r/artifacts`)).json(), {});
    assert.equal((await t.client.request('DELETE', `${base}/3/r/artifacts/x`)).status, 200, 'deleting twice is fine');
  });

  test('a large chunked upload streams to disk and leaves no staging file behind', async () => {
    const chunk = randomBytes(1024 * 1024);
    const chunks = 48;
    const reply = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${t.server.url}${base}/4/r/artifacts/big.bin`,
        { method: 'PUT', headers: { authorization: `Bearer ${t.token}`, 'transfer-encoding': 'chunked' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      let sent = 0;
      const pump = () => {
        while (sent < chunks) {
          sent++;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    assert.equal(reply, 200);
    const listing = await t.client.get(`${base}?path=4/r/artifacts`);
    assert.deepEqual(listing.json(), { files: [{ path: 'big.bin', is_dir: false, file_size: chunks * chunk.length }] });
    assert.deepEqual(readdirSync(`${t.artifactRoot}.uploads`), []);
  });

  test('concurrent uploads to one path leave one whole file, never a mix', async () => {
    const a = Buffer.alloc(2 * 1024 * 1024, 'a');
    const b = Buffer.alloc(2 * 1024 * 1024, 'b');
    const replies = await Promise.all([put('5/r/artifacts/same.bin', a), put('5/r/artifacts/same.bin', b)]);
    assert.deepEqual(replies.map((r) => r.status), [200, 200]);
    const final = (await t.client.get(`${base}/5/r/artifacts/same.bin`)).body;
    assert.ok(final.equals(a) || final.equals(b));
  });

  test('artifacts/list for a run lists under its artifact URI, with paths from the run root', async () => {
    const experiment = await t.client.api('experiments/create', { name: 'artifact-listing' });
    assert.equal(experiment.status, 200, experiment.text);
    const created = await t.client.api('runs/create', {
      experiment_id: experiment.json<{ experiment_id: string }>().experiment_id,
      start_time: Date.now(),
    });
    assert.equal(created.status, 200, created.text);
    const info = created.json<{ run: { info: { run_id: string; artifact_uri: string } } }>().run.info;
    const root = info.artifact_uri.replace(/^mlflow-artifacts:\//, '');
    await put(`${root}/metrics.json`, '{}', 'application/json');
    await put(`${root}/plots/a.png`, randomBytes(4));

    const top = await t.client.get(`/api/2.0/mlflow/artifacts/list?run_id=${info.run_id}`);
    assert.equal(top.status, 200, top.text);
    assert.deepEqual(top.json(), {
      root_uri: info.artifact_uri,
      files: [
        { path: 'metrics.json', is_dir: false, file_size: 2 },
        { path: 'plots', is_dir: true },
      ],
    });
    const inner = await t.client.get(`/api/2.0/mlflow/artifacts/list?run_uuid=${info.run_id}&path=plots`);
    assert.deepEqual(inner.json(), { root_uri: info.artifact_uri, files: [{ path: 'plots/a.png', is_dir: false, file_size: 4 }] });

    const unknown = await t.client.get('/api/2.0/mlflow/artifacts/list?run_id=0123456789abcdef0123456789abcdef');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json().error_code, 'RESOURCE_DOES_NOT_EXIST');
    const escape = await t.client.get(`/api/2.0/mlflow/artifacts/list?run_id=${info.run_id}&path=../..`);
    assert.equal(escape.status, 400);

    // A logged model's files list the same way, from its own artifact URI.
    const model = await t.client.api('logged-models', {
      experiment_id: experiment.json<{ experiment_id: string }>().experiment_id,
      name: 'listed_model',
      source_run_id: info.run_id,
    });
    assert.equal(model.status, 200, model.text);
    const modelInfo = model.json<{ model: { info: { model_id: string; artifact_uri: string } } }>().model.info;
    await put(`${modelInfo.artifact_uri.replace(/^mlflow-artifacts:\//, '')}/MLmodel`, 'flavors: {}\n', 'text/plain');
    const files = await t.client.get(`/api/2.0/mlflow/logged-models/${modelInfo.model_id}/artifacts/directories`);
    assert.equal(files.status, 200, files.text);
    assert.deepEqual(files.json(), { root_uri: modelInfo.artifact_uri, files: [{ path: 'MLmodel', is_dir: false, file_size: 12 }] });
  });
});
