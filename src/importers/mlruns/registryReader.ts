import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { mlrunsNames } from '../../core/export/mlrunsLayout';
import type { SkippedItem, StagedModelVersion, StagedRegisteredModel } from '../stagedImport';
import { optionalInteger, optionalText, requiredInteger, requiredText } from './metaFields';
import { guarded, listKeyFiles, readKeyValueFolder, readMeta, subfolders } from './mlrunsFiles';

/** The registered models' folders under mlruns/models/ (those with a meta.yaml are checked when read). */
export async function listRegisteredModelFolders(registryDir: string): Promise<string[]> {
  return (await subfolders(registryDir)).map((name) => path.join(registryDir, name));
}

/**
 * One registered model of MLflow's file registry: meta.yaml, tags/, aliases/<alias> (each file
 * holds a version number) and version-<n>/ folders with their own meta.yaml and tags/.
 */
export async function readRegisteredModel(dir: string, skipped: SkippedItem[]): Promise<StagedRegisteredModel> {
  const meta = await readMeta(path.join(dir, mlrunsNames.meta));
  const creationTime = optionalInteger(meta, 'creation_timestamp') ?? 0;
  const versions: StagedModelVersion[] = [];
  for (const name of await subfolders(dir)) {
    if (!name.startsWith(mlrunsNames.versionPrefix)) continue;
    const versionDir = path.join(dir, name);
    const version = await guarded(versionDir, skipped, () => readVersion(versionDir));
    if (version) versions.push(version);
  }
  const aliases: { alias: string; version: number }[] = [];
  for (const { key, file } of await listKeyFiles(path.join(dir, mlrunsNames.aliases))) {
    const text = (await readFile(file, 'utf8')).trim();
    if (/^\d+$/.test(text)) aliases.push({ alias: key, version: Number(text) });
    else skipped.push({ path: file, reason: `alias file does not hold a version number: '${text.slice(0, 40)}'` });
  }
  return {
    name: requiredText(meta, 'name'),
    creationTime,
    lastUpdatedTime: optionalInteger(meta, 'last_updated_timestamp') ?? creationTime,
    description: optionalText(meta, 'description'),
    tags: await readKeyValueFolder(path.join(dir, mlrunsNames.tags)),
    aliases,
    versions: versions.sort((a, b) => a.version - b.version),
    origin: dir,
  };
}

async function readVersion(dir: string): Promise<StagedModelVersion> {
  const meta = await readMeta(path.join(dir, mlrunsNames.meta));
  const creationTime = optionalInteger(meta, 'creation_timestamp') ?? 0;
  const source = optionalText(meta, 'source');
  return {
    version: requiredInteger(meta, 'version'),
    creationTime,
    lastUpdatedTime: optionalInteger(meta, 'last_updated_timestamp') ?? creationTime,
    description: optionalText(meta, 'description'),
    userId: optionalText(meta, 'user_id'),
    currentStage: optionalText(meta, 'current_stage', 'None'),
    source,
    runId: optionalText(meta, 'run_id'),
    runLink: optionalText(meta, 'run_link'),
    status: optionalText(meta, 'status', 'READY'),
    statusMessage: optionalText(meta, 'status_message'),
    storageLocation: optionalText(meta, 'storage_location') || source,
    modelId: optionalText(meta, 'model_id'),
    tags: await readKeyValueFolder(path.join(dir, mlrunsNames.tags)),
    origin: dir,
  };
}
