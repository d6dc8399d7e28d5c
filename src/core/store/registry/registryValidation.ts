import { invalidParameter } from '../../errors';
import { exceedsLengthMessage, missingValueMessage, validateKeyName, validateLength } from '../../validation';

/** MLflow's limits for the registry (mlflow/utils/validation.py). */
const maxTagKeyLength = 250;
const maxTagValueLength = 5000;
const maxAliasLength = 255;

const aliasCharacters = /^[\p{L}\p{M}\p{N}_-]*$/u;
// `v1`, `V12`: reserved, because `models:/name@v1` would read as a version.
const versionLikeAlias = /^[vV]\d+$/;

export function validateModelName(name: string, field = 'name'): void {
  if (name === '') throw invalidParameter(missingValueMessage(field));
}

/** Version numbers travel as strings; they must read as integers. */
export function parseVersion(version: string | number): number {
  const text = String(version).trim();
  if (!/^[+-]?\d+$/.test(text)) {
    throw invalidParameter(`Parameter 'version' must be an integer, got '${String(version)}'.`);
  }
  return Number.parseInt(text, 10);
}

export function validateAliasName(alias: string): void {
  if (alias === '') throw invalidParameter('Registered model alias name cannot be empty.');
  if (!aliasCharacters.test(alias)) {
    throw invalidParameter(
      `Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`,
    );
  }
  if (alias.length > maxAliasLength) throw invalidParameter(exceedsLengthMessage('alias', maxAliasLength));
  if (alias.toLowerCase() === 'latest') {
    throw invalidParameter("'latest' alias name (case insensitive) is reserved.");
  }
  if (versionLikeAlias.test(alias)) throw invalidParameter(`Version alias name '${alias}' is reserved.`);
}

/** Registry tag keys follow the rules of run tag keys, with the registry's length limit. */
export function validateTagKey(key: string): void {
  if (key === '') throw invalidParameter(missingValueMessage('key'));
  validateKeyName('key', key);
  validateLength('key', maxTagKeyLength, key);
}

export function validateTag(key: string, value: string): void {
  validateTagKey(key);
  validateLength('value', maxTagValueLength, value);
}
