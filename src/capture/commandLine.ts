// Only characters no shell treats specially may stay bare.
const bare = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One argument as a POSIX shell reads it back: bare when safe, else in single quotes. */
function quoteArgument(argument: string): string {
  if (bare.test(argument)) return argument;
  return `'${argument.replace(/'/g, `'\\''`)}'`;
}

/** The command a run was launched with, as one line a person can read and paste into a shell. */
export function formatCommandLine(executable: string, args: readonly string[]): string {
  return [executable, ...args].map(quoteArgument).join(' ');
}
