import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface FileHash {
  readonly sha256: string;
  readonly size: number;
}

/** 1 MiB: large enough for the hash to run at disk speed, small enough to never matter in memory. */
const defaultChunkBytes = 1024 * 1024;

/** SHA-256 of a file read in chunks, so a dataset of any size is hashed in constant memory. */
export async function hashFile(file: string, options: { chunkBytes?: number; signal?: AbortSignal } = {}): Promise<FileHash> {
  const hash = createHash('sha256');
  let size = 0;
  const stream = createReadStream(file, { highWaterMark: options.chunkBytes ?? defaultChunkBytes, signal: options.signal });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}
