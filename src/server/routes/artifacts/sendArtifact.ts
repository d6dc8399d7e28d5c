import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { ArtifactStore } from '../../../core/store/artifactStore';
import { headersFor } from '../../reply';
import { artifactContentType } from './contentType';

/**
 * Streams one stored artifact as MLflow's server sends downloads: its guessed content type, as an
 * attachment named after the file. An HTML or SVG artifact opened in a browser must not run script
 * in this origin, hence the sandboxing policy too.
 */
export async function sendArtifact(res: ServerResponse, artifacts: ArtifactStore, storePath: string): Promise<void> {
  const file = await artifacts.read(storePath);
  const name = storePath.slice(storePath.lastIndexOf('/') + 1);
  res.writeHead(200, {
    ...headersFor(artifactContentType(name), file.size),
    // Percent-encoded: a name is untrusted and must not break out of the header.
    'content-disposition': `attachment; filename=${encodeURIComponent(name)}`,
    'content-security-policy': "default-src 'none'; sandbox",
  });
  // A client that hangs up mid-download is not a server failure; the socket is already gone.
  await pipeline(file.stream, res).catch(() => res.destroy());
}
