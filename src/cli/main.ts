// The `runlens` command. Subcommands come with their issues (serve, import, export).
function main(argv: readonly string[]): number {
  const [command] = argv;
  if (command === undefined || command === 'help' || command === '--help') {
    console.log('Usage: runlens <command>\n\nCommands:\n  help    this text');
    return 0;
  }
  console.error(`runlens: unknown command '${command}'. Run 'runlens help'.`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
