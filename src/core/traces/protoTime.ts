import { invalidParameter } from '../errors';

/**
 * proto3 JSON times, as MLflow's trace API carries them: a Timestamp is an RFC 3339 string in UTC
 * ("2026-12-06T08:48:03.408Z", with 0, 3, 6 or 9 fraction digits), a Duration is seconds with an
 * `s` ("0.186s", "0s"). RunLens keeps both in milliseconds, the precision the client sends.
 */
export function timestampToMs(text: unknown, field: string): number {
  if (typeof text === 'number' && Number.isSafeInteger(text)) return text;
  const ms = typeof text === 'string' ? Date.parse(text) : NaN;
  if (!Number.isFinite(ms)) throw invalidParameter(`Invalid value ${JSON.stringify(text)} for parameter '${field}': expected a timestamp such as "2026-01-31T12:00:00.000Z".`);
  return ms;
}

export function msToTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  // protobuf writes no fraction for whole seconds.
  return ms % 1000 === 0 ? iso.replace(/\.000Z$/, 'Z') : iso;
}

export function durationToMs(text: unknown, field: string): number {
  if (typeof text === 'string') {
    const match = /^(-?\d+)(?:\.(\d{1,9}))?s$/.exec(text.trim());
    if (match) {
      const fraction = (match[2] ?? '').padEnd(9, '0');
      return Number(match[1]) * 1000 + Math.round(Number(fraction) / 1e6);
    }
  }
  throw invalidParameter(`Invalid value ${JSON.stringify(text)} for parameter '${field}': expected a duration such as "0.250s".`);
}

export function msToDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const rest = ms - seconds * 1000;
  return rest === 0 ? `${seconds}s` : `${seconds}.${String(rest).padStart(3, '0')}s`;
}
