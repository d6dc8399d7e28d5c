// The `runlens` command: one file per subcommand, dispatched here.
import { exportCommand } from './exportCommand';
import { asksForHelp, helpCommand, printUsage } from './helpCommand';
import { importCommand } from './importCommand';
import { pushCommand } from './pushCommand';
import { serveCommand } from './serveCommand';
import { sweepCommand } from './sweepCommand';
import type { Command } from './command';

const commands: readonly Command[] = [serveCommand, importCommand, exportCommand, pushCommand, sweepCommand, helpCommand];

async function main(argv: readonly string[]): Promise<number> {
  const [name = 'help', ...rest] = argv;
  const command = commands.find((c) => c.name === name || (asksForHelp([name]) && c.name === 'help'));
  if (command === undefined) {
    console.error(`runlens: unknown command '${name}'. Run 'runlens help'.`);
    return 2;
  }
  if (command !== helpCommand && asksForHelp(rest)) {
    printUsage(command);
    return 0;
  }
  return command.run(rest, commands);
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
