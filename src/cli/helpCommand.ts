import type { Command } from './command';

export const helpCommand: Command = {
  name: 'help',
  summary: 'show this help, or the help of one command',
  usage: 'runlens help [COMMAND]',
  async run(args, all) {
    const [topic] = args;
    if (topic !== undefined) {
      const command = all.find((c) => c.name === topic);
      if (command === undefined) {
        console.error(`runlens: no command '${topic}'. Run 'runlens help'.`);
        return 2;
      }
      printUsage(command);
      return 0;
    }
    const width = Math.max(...all.map((c) => c.name.length));
    const lines = all.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
    console.log(
      'RunLens: MLflow-compatible experiment tracking kept in the workspace (.runlens/).\n\n' +
        `Usage: runlens <command> [options]\n\nCommands:\n${lines.join('\n')}\n\n` +
        "Run 'runlens help <command>' for a command's options.",
    );
    return 0;
  },
};

/** A command's usage block and what it does, as `runlens help NAME` and `runlens NAME --help` print it. */
export function printUsage(command: Command): void {
  console.log(`${command.usage}\n\n${command.summary}`);
}

/** `--help` or `-h` among the options (before a `--`, after which every word is an argument). */
export function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  const options = end === -1 ? args : args.slice(0, end);
  return options.some((arg) => arg === '--help' || arg === '-h');
}
