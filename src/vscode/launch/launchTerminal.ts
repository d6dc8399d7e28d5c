import * as vscode from 'vscode';
import { Disposable } from '../disposable';

export interface LaunchTerminalHandlers {
  /** What the person typed (raw key data). */
  input(data: string): void;
  /** The person closed the terminal. */
  closed(): void;
}

/**
 * The terminal a launched script runs in: a VS Code terminal whose other end is RunLens (a
 * Pseudoterminal), not a shell. What is written before VS Code opens it is kept and shown on open.
 */
export class LaunchTerminal extends Disposable implements vscode.Pseudoterminal {
  private readonly written = this.register(new vscode.EventEmitter<string>());
  private readonly renamed = this.register(new vscode.EventEmitter<string>());
  readonly onDidWrite = this.written.event;
  readonly onDidChangeName = this.renamed.event;
  readonly terminal: vscode.Terminal;
  private pending: string[] | undefined = [];

  constructor(
    name: string,
    private readonly handlers: LaunchTerminalHandlers,
  ) {
    super();
    this.terminal = this.register(vscode.window.createTerminal({ name, pty: this, iconPath: new vscode.ThemeIcon('beaker') }));
  }

  open(): void {
    const pending = this.pending ?? [];
    this.pending = undefined;
    for (const text of pending) this.written.fire(text);
  }

  /** VS Code calls this when the person closes the terminal. */
  close(): void {
    this.handlers.closed();
    this.dispose();
  }

  handleInput(data: string): void {
    this.handlers.input(data);
  }

  /** Writes output; bare \n becomes \r\n, as a terminal needs. */
  write(text: string): void {
    const converted = text.replace(/\r?\n/g, '\r\n');
    if (this.pending) this.pending.push(converted);
    else this.written.fire(converted);
  }

  rename(name: string): void {
    this.renamed.fire(name);
  }
}
