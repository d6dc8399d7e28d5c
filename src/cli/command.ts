/** A `runlens` subcommand. `run` resolves with the exit code (a server resolves when it stops). */
export interface Command {
  readonly name: string;
  /** One line for `runlens help`. */
  readonly summary: string;
  /** The usage block for `runlens help NAME`. */
  readonly usage: string;
  run(args: readonly string[], all: readonly Command[]): Promise<number>;
}
