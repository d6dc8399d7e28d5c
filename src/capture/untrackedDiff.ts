import { lstat, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import { contentKind, newFileDiff, type GitFileMode } from './newFileDiff';
import type { PatchBuilder } from './patchBuilder';

/**
 * Adds untracked files to the patch as new-file sections. Only files that can still fit are read,
 * and after `maxFiles` none are, so a big untracked data folder costs a listing, not a read.
 */
export async function addUntrackedFiles(root: string, files: readonly string[], builder: PatchBuilder, maxFiles: number): Promise<void> {
  for (const [index, file] of files.entries()) {
    if (file.endsWith('/')) {
      builder.leaveOut(file, 'folder');
      continue;
    }
    if (index >= maxFiles) {
      builder.tooLarge(file, 0, false);
      continue;
    }
    await addUntrackedFile(root, file, builder);
  }
}

async function addUntrackedFile(root: string, file: string, builder: PatchBuilder): Promise<void> {
  const absolute = path.join(root, ...file.split('/'));
  try {
    const stats = await lstat(absolute);
    if (stats.isSymbolicLink()) {
      // git stores a link as its target, in a section of mode 120000.
      offerContent(file, Buffer.from(await readlink(absolute), 'utf8'), '120000', builder);
    } else if (stats.isDirectory()) {
      builder.leaveOut(file, 'folder');
    } else if (stats.size > builder.remaining) {
      builder.tooLarge(file, stats.size, false);
    } else {
      const executable = process.platform !== 'win32' && (stats.mode & 0o111) !== 0;
      offerContent(file, await readFile(absolute), executable ? '100755' : '100644', builder);
    }
  } catch {
    builder.leaveOut(file, 'unreadable');
  }
}

function offerContent(file: string, content: Buffer, mode: GitFileMode, builder: PatchBuilder): void {
  const kind = contentKind(content);
  if (kind === 'text') builder.offer(file, newFileDiff(file, content, mode));
  else builder.leaveOut(file, kind);
}
