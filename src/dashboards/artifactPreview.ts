import type { Readable } from 'node:stream';
import { maxCsvPreviewRows, maxImagePreviewBytes, maxTextPreviewBytes, type ArtifactPreview } from '../protocol/dashboards/artifactPreview';
import type { ArtifactStore } from '../core/store/artifactStore';
import { parseCsv } from './csv';

const imageTypes: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
};

/** Bytes looked at to tell text from binary, as git does: a NUL byte means binary. */
const sniffBytes = 8000;

/**
 * What the dashboard shows for an artifact: an image as a data URL (SVG is not among them: it can
 * carry script, so it is shown as text), JSON pretty-printed, CSV/TSV as rows, other text as text
 * (its start, or its end for logs), and for anything else only its size. Never more than the caps
 * of the protocol are read into memory.
 */
export async function previewArtifact(
  artifacts: Pick<ArtifactStore, 'read'>,
  storePath: string,
  from: 'start' | 'end' = 'start',
): Promise<ArtifactPreview> {
  const file = await artifacts.read(storePath);
  const { size, stream } = file;
  try {
    const extension = extensionOf(storePath);
    const image = imageTypes[extension];
    if (image !== undefined) {
      if (size > maxImagePreviewBytes) return { kind: 'tooLarge', size, limit: maxImagePreviewBytes };
      const bytes = await readBytes(stream, maxImagePreviewBytes, 'start');
      return { kind: 'image', mime: image, dataUrl: `data:${image};base64,${bytes.toString('base64')}`, size };
    }
    const bytes = await readBytes(stream, maxTextPreviewBytes, from);
    if (bytes.subarray(0, sniffBytes).includes(0)) return { kind: 'binary', size };
    const truncated = size > bytes.length;
    const text = decodeText(bytes, from === 'end' && truncated);
    if (extension === 'json' && !truncated) return jsonPreview(text, size);
    if ((extension === 'csv' || extension === 'tsv') && from === 'start') {
      const parsed = parseCsv(text, maxCsvPreviewRows + 1, extension === 'tsv' ? '\t' : ',');
      const [header = [], ...rows] = parsed.records;
      return { kind: 'csv', header, rows, size, truncated: truncated || parsed.truncated };
    }
    return { kind: 'text', text, size, truncated };
  } finally {
    stream.destroy();
  }
}

function jsonPreview(text: string, size: number): ArtifactPreview {
  try {
    return { kind: 'json', text: JSON.stringify(JSON.parse(text), null, 2), size, truncated: false };
  } catch {
    return { kind: 'text', text, size, truncated: false };
  }
}

/**
 * UTF-8 with U+FFFD for bad bytes. A tail cut may start inside a character or a line: drop the
 * partial first line so the preview starts at a line boundary.
 */
function decodeText(bytes: Buffer, cutAtStart: boolean): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (!cutAtStart) return text;
  const newline = text.indexOf('\n');
  return newline === -1 ? text : text.slice(newline + 1);
}

/**
 * The first or the last `maxBytes` bytes. From the start it stops reading once it has them; from the
 * end it reads the file through once, holding at most maxBytes plus a chunk.
 */
async function readBytes(stream: Readable, maxBytes: number, from: 'start' | 'end'): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    const buffer = chunk as Buffer;
    chunks.push(buffer);
    length += buffer.length;
    if (from === 'start' && length >= maxBytes) break;
    while (from === 'end' && chunks.length > 1 && length - chunks[0].length >= maxBytes) length -= chunks.shift()!.length;
  }
  const all = Buffer.concat(chunks);
  return from === 'start' ? all.subarray(0, maxBytes) : all.subarray(Math.max(0, all.length - maxBytes));
}

function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}
