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
      console.log(`${command.usage}\n\n${command.summary}`);
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
