/** Where typed input goes: the terminal's screen (echo) and the process. */
export interface TerminalInputSink {
  /** Text to show in the terminal, already in terminal form (\r\n line ends, erase sequences). */
  echo(text: string): void;
  /** A finished line, with its \n, for the process's stdin. */
  send(line: string): void;
  /** Ctrl+C. */
  interrupt(): void;
  /** Ctrl+D on an empty line: end of input. */
  endInput(): void;
}

/**
 * The little a terminal driver does for a process on pipes (it has no pseudo-terminal of its own,
 * so nothing echoes or edits for it): echo what is typed, let Backspace erase, hand over whole lines
 * on Enter, and turn Ctrl+C and Ctrl+D into an interrupt and the end of input. Escape sequences
 * (arrow keys) are ignored: there is no line history to move through.
 */
export class LineDiscipline {
  private line = '';
  /** A pasted \r\n is one Enter, not two. */
  private afterReturn = false;

  constructor(private readonly sink: TerminalInputSink) {}

  handle(data: string): void {
    // Escape sequences arrive whole in one call: CSI (ESC [ … final) and SS3 (ESC O x).
    const keys = data.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1bO.|\x1b/g, '');
    for (const char of keys) {
      const previousWasReturn = this.afterReturn;
      this.afterReturn = char === '\r';
      if (char === '\n' && previousWasReturn) continue;
      if (char === '\r' || char === '\n') {
        this.sink.echo('\r\n');
        this.sink.send(`${this.line}\n`);
        this.line = '';
      } else if (char === '\x7f' || char === '\b') {
        if (this.line.length === 0) continue;
        const last = [...this.line].pop() ?? '';
        this.line = this.line.slice(0, this.line.length - last.length);
        this.sink.echo('\b \b');
      } else if (char === '\x03') {
        this.sink.echo('^C\r\n');
        this.line = '';
        this.sink.interrupt();
      } else if (char === '\x04') {
        if (this.line.length === 0) this.sink.endInput();
      } else if (char >= ' ') {
        this.line += char;
        this.sink.echo(char);
      }
    }
  }
}
