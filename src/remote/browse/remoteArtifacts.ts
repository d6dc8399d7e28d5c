import { Readable } from 'node:stream';
import { storeRootOf } from '../../core/store/runArtifactRoot';
import { artifactPathSegments, type ArtifactEntry, type ArtifactFile } from '../../core/store/artifactStore';
import type { TrackingStore } from '../../core/store/trackingStore';
import type { RemoteRequests } from './remoteRequests';

type Wire = Record<string, unknown>;

/** Largest artifact read into memory when the server does not say how large it is. */
const maxUnsizedArtifactBytes = 64 * 1024 * 1024;

/** The artifacts of runs copied into a mirror, listed and read from their server. */
export class RemoteArtifacts {
  constructor(
    private readonly requests: RemoteRequests,
    /** The mirror's store, which knows each copied run's artifact URI. */
    private readonly tracking: TrackingStore,
  ) {}

  /** The entries directly inside a folder of a run's artifacts (names relative to it). */
  list(runId: string, folder: string): Promise<ArtifactEntry[]> {
    const dir = artifactPathSegments(folder).join('/');
    return this.requests.cached(`artifacts/${runId}/${dir}`, async () => {
      const reply = await this.requests.call((client) => client.get<{ files?: Wire[] }>('artifacts/list', { run_id: runId, ...(dir ? { path: dir } : {}) }));
      return (reply.files ?? []).map((file): ArtifactEntry => {
        const name = String(file.path ?? '').split('/').pop() ?? '';
        const size = Number(file.file_size);
        return file.is_dir === true ? { path: name, is_dir: true } : { path: name, is_dir: false, ...(Number.isFinite(size) ? { file_size: size } : {}) };
      });
    });
  }

  /** One artifact of a copied run, streamed from the server (its artifact proxy, or MLflow's get-artifact). */
  async read(runId: string, relativePath: string): Promise<ArtifactFile> {
    const path = artifactPathSegments(relativePath).join('/');
    const root = storeRootOf(this.tracking.getRun(runId).info.artifact_uri);
    const file = await this.requests.call((client) => client.download(root === undefined ? { runId, path } : { artifactPath: `${root}/${path}` }));
    if (file.size !== undefined) return { size: file.size, stream: file.stream };
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of file.stream) {
      size += (chunk as Buffer).length;
      if (size > maxUnsizedArtifactBytes) {
        file.stream.destroy();
        throw new Error(`${relativePath} on ${this.requests.url} is larger than ${maxUnsizedArtifactBytes / 1024 / 1024} MiB and the server did not say its size.`);
      }
      chunks.push(chunk as Buffer);
    }
    return { size, stream: Readable.from([Buffer.concat(chunks)]) };
  }
}
