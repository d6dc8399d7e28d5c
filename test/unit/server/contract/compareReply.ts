import { uniqueKeys } from './idMap';

/**
 * Fields the server sets from its own clock: compared by type (an int64, as a number or a numeric
 * string), not by value. Everything the client sent back (start_time, end_time, metric timestamps)
 * is compared exactly.
 */
const serverTimes = new Set([
  'creation_time',
  'last_update_time',
  'creation_timestamp',
  'last_updated_timestamp',
  'creation_timestamp_ms',
  'last_updated_timestamp_ms',
]);

/**
 * Differences between the reply we expect (the recorded one, in our ids) and ours, as readable
 * lines. Every field of the recorded reply must be in ours with the same value; ours may carry
 * more (the client ignores unknown fields). A field the recording has at its proto default
 * ("", 0, false, [], {}) may be absent from ours: the client reads absent as the default.
 */
export function compareReply(expected: unknown, actual: unknown, at = '$'): string[] {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${at}: expected a list, got ${describe(actual)}`];
    if (expected.length !== actual.length) return [`${at}: expected ${expected.length} items, got ${actual.length}`];
    if (uniqueKeys(expected) && uniqueKeys(actual)) {
      return expected.flatMap((item) => {
        const key = (item as { key: string }).key;
        const match = actual.find((a) => (a as { key: string }).key === key);
        return match === undefined ? [`${at}: no item with key '${key}'`] : compareReply(item, match, `${at}[key=${key}]`);
      });
    }
    return expected.flatMap((item, i) => compareReply(item, actual[i], `${at}[${i}]`));
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) {
      return [`${at}: expected an object, got ${describe(actual)}`];
    }
    const ours = actual as Record<string, unknown>;
    return Object.entries(expected).flatMap(([key, value]) => {
      const path = `${at}.${key}`;
      if (!(key in ours)) return isProtoDefault(value) ? [] : [`${path}: missing (expected ${describe(value)})`];
      if (serverTimes.has(key)) return isInt64(ours[key]) || isTimestampOfKind(value, ours[key]) ? [] : [`${path}: expected a time, got ${describe(ours[key])}`];
      return compareReply(value, ours[key], path);
    });
  }
  if (sameScalar(expected, actual)) return [];
  return [`${at}: expected ${describe(expected)}, got ${describe(actual)}`];
}

function sameScalar(expected: unknown, actual: unknown): boolean {
  if (expected === actual) return true;
  // int64 fields may travel as numbers or as strings; the client accepts both.
  if (typeof expected === 'number' && typeof actual === 'string') return actual.trim() !== '' && Number(actual) === expected;
  if (typeof expected === 'string' && typeof actual === 'number') return expected.trim() !== '' && Number(expected) === actual;
  return false;
}

function isProtoDefault(value: unknown): boolean {
  if (value === '' || value === 0 || value === false || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value as object).length === 0;
}

/** Assessments carry server times as proto Timestamps ("2026-12-06T08:48:12.872Z"). */
function isTimestampOfKind(expected: unknown, actual: unknown): boolean {
  const timestamp = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
  return typeof expected === 'string' && typeof actual === 'string' && timestamp.test(expected) && timestamp.test(actual);
}

function isInt64(value: unknown): boolean {
  return (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && /^\d+$/.test(value));
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
