// The `runlens` command: one file per subcommand, dispatched here.
import { asksForHelp, helpCommand, printUsage } from './helpCommand';
import type { Command } from './command';

/**
 * Each command's code loads when that command runs, in the order `runlens help` lists them: the
 * extension starts `runlens serve` on first use and waits for it, and serving needs none of the
 * importers', exporter's or sweeps' code (nor yaml, which they load).
 */
const commandLoaders: ReadonlyMap<string, () => Promise<Command>> = new Map([
  ['serve', async () => (await import('./serveCommand')).serveCommand],
  ['import', async () => (await import('./importCommand')).importCommand],
  ['export', async () => (await import('./exportCommand')).exportCommand],
  ['push', async () => (await import('./pushCommand')).pushCommand],
  ['sweep', async () => (await import('./sweepCommand')).sweepCommand],
  ['help', async () => helpCommand],
]);

async function main(argv: readonly string[]): Promise<number> {
  const [name = 'help', ...rest] = argv;
  const load = commandLoaders.get(asksForHelp([name]) ? 'help' : name);
  if (load === undefined) {
    console.error(`runlens: unknown command '${name}'. Run 'runlens help'.`);
    return 2;
  }
  const command = await load();
  if (command !== helpCommand && asksForHelp(rest)) {
    printUsage(command);
    return 0;
  }
  // Only help reads the other commands (their names, summaries and usage).
  const all = command === helpCommand ? await Promise.all([...commandLoaders.values()].map((loadOne) => loadOne())) : [command];
  return command.run(rest, all);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`runlens: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
