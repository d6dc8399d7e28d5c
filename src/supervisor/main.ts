// The supervisor process of one launched script (dist/supervisor.js), started detached by a window
// with the runtime VS Code gives extensions. It reads its spec from stdin, runs the script to its
// end, records the end, and exits: it owns no store, so it outlives any window.
import { superviseLaunch, type SupervisorSpec } from './supervisedLaunch';

async function main(): Promise<number> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const spec = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SupervisorSpec;
  const { ended, stop } = await superviseLaunch(spec);
  // Killed politely (a shutdown, `kill`), the supervisor stops its script rather than orphaning it unrecorded.
  process.once('SIGTERM', () => stop('The RunLens supervisor of the script was asked to end.'));
  process.once('SIGINT', () => stop('The RunLens supervisor of the script was asked to end.'));
  // A window that goes away closes nothing here: the log file is this process's only output.
  process.on('SIGHUP', () => undefined);
  const ending = await ended;
  console.error(`runlens supervisor: launch ${spec.launchId} ended: ${JSON.stringify(ending)}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`runlens supervisor: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
