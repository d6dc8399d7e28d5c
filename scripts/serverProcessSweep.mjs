// The RunLens server processes a code-server's windows started (`runlens.server.mode` "process", the default) are
// detached on purpose: they outlive a window while a launched script logs. A code-server that this repository's
// scripts start (the integration suite, `npm start`) is given a marker in its environment, which its extension hosts
// and the server processes they start inherit; stopping the code-server then stops them too, so nothing outlives it.
import { readdirSync, readFileSync } from 'node:fs';

const markerName = 'RUNLENS_CODE_SERVER_RUN';

/** The environment entry to give a code-server: its server processes carry it, and `stopServerProcesses` finds them. */
export function serverProcessMarker(run) {
  return { [markerName]: run };
}

/**
 * Stops (SIGTERM, then SIGKILL after `graceMs`) every RunLens server process that carries the marker of `run`, and
 * returns their pids. Linux reads it from /proc; elsewhere nothing is found and the servers stop once idle.
 */
export async function stopServerProcesses(run, { graceMs = 5_000 } = {}) {
  const pids = markedServerPids(run);
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  for (const pid of pids.filter(alive)) signal(pid, 'SIGKILL');
  return pids;
}

function markedServerPids(run) {
  let entries;
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const marker = `${markerName}=${run}`;
  const pids = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      // `runlens serve` run from the extension's dist/cli.js: not code-server, its extension hosts or a launch's supervisor.
      if (!argv.some((arg) => arg.endsWith('cli.js')) || !argv.includes('serve')) continue;
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(marker)) pids.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return pids;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch {
    // It exited meanwhile.
  }
}
