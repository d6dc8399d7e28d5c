import type { YamlMapping, YamlValue } from './metaYaml';

/** A meta.yaml field that is missing or of the wrong type. */
export class MetaFieldError extends Error {
  constructor(key: string, problem: string) {
    super(`field '${key}' ${problem}`);
    this.name = 'MetaFieldError';
  }
}

/** Ids and names may have been written as numbers by older MLflow versions: both read as text. */
export function requiredText(meta: YamlMapping, key: string): string {
  const value = meta[key];
  if (value === undefined || value === null) throw new MetaFieldError(key, 'is missing');
  return asText(key, value);
}

export function optionalText(meta: YamlMapping, key: string, fallback = ''): string {
  const value = meta[key];
  return value === undefined || value === null ? fallback : asText(key, value);
}

/** An integer (times, steps, versions); a number beyond 2^53 or a non-integer is an error. */
export function optionalInteger(meta: YamlMapping, key: string): number | null {
  const value = meta[key];
  if (value === undefined || value === null) return null;
  const number = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) throw new MetaFieldError(key, `is not an integer: ${String(value)}`);
  return number;
}

export function requiredInteger(meta: YamlMapping, key: string): number {
  const value = optionalInteger(meta, key);
  if (value === null) throw new MetaFieldError(key, 'is missing');
  return value;
}

/** A nested mapping of text values (an input's tags); absent is empty. */
export function textMapping(meta: YamlMapping, key: string): { key: string; value: string }[] {
  const value = meta[key];
  if (value === undefined || value === null) return [];
  if (typeof value !== 'object' || Array.isArray(value)) throw new MetaFieldError(key, 'is not a mapping');
  return Object.entries(value).map(([entryKey, entryValue]) => ({ key: entryKey, value: asText(`${key}.${entryKey}`, entryValue) }));
}

function asText(key: string, value: YamlValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return '';
  throw new MetaFieldError(key, 'is not a scalar');
}
