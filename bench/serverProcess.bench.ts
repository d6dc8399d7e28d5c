// The first use of RunLens in a window with `runlens.server.mode` `process`: how long until the
// folder's server process answers, started from the built dist/cli.js as the extension starts it
// (`npm run package` or `node scripts/build.mjs --production` first, to measure what ships).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isProcessAlive } from '../src/core/launches/processAlive';
import { ensureServerProcess } from '../src/supervisor/serverProcess';
import { type BenchRow, formatMs, median, progress, type Tasks } from './benchKit';

const budgetMs = 1000;
const rounds = 5;
const cliScript = path.join(__dirname, '..', 'dist', 'cli.js');

export const tasks: Tasks = {};

export async function measure(): Promise<readonly BenchRow[]> {
  // The bundle runs from a temporary folder: find dist/ from the working directory (the repository).
  const script = existsSync(cliScript) ? cliScript : path.resolve('dist', 'cli.js');
  if (!existsSync(script)) throw new Error('dist/cli.js is missing: run `node scripts/build.mjs --production` first');
  progress(`server process: ${rounds} first starts on a folder with no .runlens/, then ${rounds} on an existing store`);
  const fresh: number[] = [];
  const existing: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const workspaceDir = mkdtempSync(path.join(os.tmpdir(), 'runlens-bench-serverprocess-'));
    try {
      fresh.push(await timedStart(script, workspaceDir));
      existing.push(await timedStart(script, workspaceDir));
    } finally {
      rmSync(workspaceDir, { recursive: true, force: true });
    }
  }
  return [
    {
      what: `first server start, no .runlens/ yet (median of ${rounds})`,
      figure: `${formatMs(median(fresh))} (slowest ${formatMs(Math.max(...fresh))})`,
      budget: `<= ${budgetMs} ms`,
      ok: median(fresh) <= budgetMs,
    },
    {
      what: `server start on an existing store (median of ${rounds})`,
      figure: `${formatMs(median(existing))} (slowest ${formatMs(Math.max(...existing))})`,
      budget: `<= ${budgetMs} ms`,
      ok: median(existing) <= budgetMs,
    },
  ];
}

/** Starts the folder's server process, then stops it (SIGTERM: it checkpoints and exits) and waits for it to go. */
async function timedStart(cli: string, workspaceDir: string): Promise<number> {
  const start = process.hrtime.bigint();
  const { owner, started } = await ensureServerProcess({ cliScript: cli, workspaceDir, idleMinutes: 1 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (!started) throw new Error(`a server (pid ${owner.pid}) already served ${workspaceDir}`);
  process.kill(owner.pid, 'SIGTERM');
  while (isProcessAlive(owner.pid)) await new Promise((resolve) => setTimeout(resolve, 20));
  return ms;
}
