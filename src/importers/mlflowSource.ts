import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { mlrunsNames } from '../core/export/mlrunsLayout';
import { NotMlflowDataError } from './mlflowDb/sourceDatabase';
import type { ImportFormat } from './stagedImport';

export interface MlflowSource {
  readonly format: ImportFormat;
  readonly path: string;
}

/**
 * What a path names: an mlflow.db file, an mlruns/ folder, or a folder holding one of them (a
 * project folder). A folder holding both is ambiguous and refused with the two paths to choose from.
 */
export function resolveMlflowSource(target: string): MlflowSource {
  const resolved = path.resolve(target);
  const info = statSync(resolved, { throwIfNoEntry: false });
  if (!info) throw new NotMlflowDataError(`${resolved} does not exist.`);
  if (info.isFile()) return { format: 'mlflow.db', path: resolved };
  if (isMlrunsFolder(resolved)) return { format: 'mlruns', path: resolved };
  const found = findMlflowData(resolved);
  if (found.length === 1) return found[0];
  if (found.length > 1) {
    throw new NotMlflowDataError(`${resolved} holds both ${found.map((f) => f.path).join(' and ')}: import one of them.`);
  }
  throw new NotMlflowDataError(
    `${resolved} holds no MLflow data: expected an mlruns/ folder (experiment folders with a meta.yaml) or an mlflow.db file.`,
  );
}

/** The MLflow data directly inside a folder (`mlruns/`, `mlflow.db`): what the editor offers to import. */
export function findMlflowData(folder: string): MlflowSource[] {
  const found: MlflowSource[] = [];
  const mlruns = path.join(folder, 'mlruns');
  if (isMlrunsFolder(mlruns)) found.push({ format: 'mlruns', path: mlruns });
  const db = path.join(folder, 'mlflow.db');
  if (statSync(db, { throwIfNoEntry: false })?.isFile()) found.push({ format: 'mlflow.db', path: db });
  return found;
}

/** FileStore's root: a `.trash/` folder, or experiment folders with a meta.yaml. */
function isMlrunsFolder(folder: string): boolean {
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) return false;
  if (existsSync(path.join(folder, mlrunsNames.trash))) return true;
  return readdirSync(folder, { withFileTypes: true }).some(
    (entry) => entry.isDirectory() && entry.name !== mlrunsNames.models && existsSync(path.join(folder, entry.name, mlrunsNames.meta)),
  );
}
