import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** One line of `npm run bench`'s table. */
export interface BenchRow {
  readonly what: string;
  /** The measured figure, with its unit. */
  readonly figure: string;
  /** DESIGN.md's budget for it; empty where there is none. */
  readonly budget: string;
  /** Whether the figure meets the budget; undefined where there is none. */
  readonly ok?: boolean;
}

/**
 * What a bench module (`bench/*.bench.ts`) exports: `measure` produces its rows; `tasks` are entry
 * points that `runInFreshProcess` starts in a new process of the same bundle (for figures that a
 * warm, grown process would distort, such as opening a store and its RSS).
 */
export type Tasks = Readonly<Record<string, (...args: string[]) => Promise<unknown>>>;

/** The marker before the JSON result a bench process prints (scripts/bench.mjs reads it too). */
export const resultMarker = '@@runlens-bench-result ';

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Milliseconds `fn` takes, by the monotonic clock. */
export function timeMs(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function formatMs(value: number): string {
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  return `${value < 10 ? value.toFixed(2) : value.toFixed(0)} ms`;
}

export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Progress for the person watching; stdout carries only results. */
export function progress(message: string): void {
  process.stderr.write(`  ${message}\n`);
}

/** Runs task `name` of this bench bundle in a new Node process and returns what it resolved to. */
export function runInFreshProcess<T>(name: string, ...args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [process.argv[1], 'task', name, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith(resultMarker));
      if (code !== 0 || line === undefined) reject(new Error(`bench task ${name} failed (exit code ${code})`));
      else resolve(JSON.parse(line.slice(resultMarker.length)) as T);
    });
  });
}

/** The bytes of every file under `dir`, recursively: a store's size on disk. */
export function folderBytes(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    bytes += entry.isDirectory() ? folderBytes(file) : statSync(file).size;
  }
  return bytes;
}
