/**
 * JSON as Python's `json.dumps` writes it by default (`", "` and `": "` separators, non-ASCII as
 * `\uXXXX`): MLflow's evaluation-dataset endpoints carry tags, records, schema and profile as
 * strings of this JSON, and the client compares and displays them as text.
 */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return pythonNumber(value);
  if (typeof value === 'string') return pythonString(value);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined);
  return `{${entries.map(([key, item]) => `${pythonString(key)}: ${pythonJson(item)}`).join(', ')}}`;
}

function pythonNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  return String(value);
}

function pythonString(text: string): string {
  // JSON.stringify escapes quotes, backslashes and control characters as Python does; then ASCII only.
  return JSON.stringify(text).replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
