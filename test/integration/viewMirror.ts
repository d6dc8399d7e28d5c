import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { waitFor } from './support';

/**
 * What a tree view shows, kept the way VS Code keeps it: the root is read once, and read again only
 * when the provider says so (a change of `undefined` redraws everything; a change of nodes re-reads
 * those nodes' children). A test that asserts on a mirror proves that the view was told to redraw,
 * which reading the provider afresh would not: a fresh read always sees the store as it is.
 */
export class ViewMirror<T> implements vscode.Disposable {
  private readonly shown = new Map<T | undefined, T[]>();
  private reading: Promise<void> = Promise.resolve();
  private readonly listener: vscode.Disposable | undefined;

  constructor(
    private readonly provider: vscode.TreeDataProvider<T>,
    /** The nodes shown expanded, whose children the mirror reads too. */
    private readonly expands: (node: T) => boolean,
  ) {
    this.listener = provider.onDidChangeTreeData?.((changed) => void this.enqueue(changed));
  }

  /** Reads the root, as a view does when it first shows. */
  start(): Promise<void> {
    return this.enqueue(undefined);
  }

  /** What the view shows: each node's label, after its ancestors' labels and a slash. */
  async paths(): Promise<string[]> {
    await this.reading;
    const paths: string[] = [];
    const walk = (node: T | undefined, prefix: string): void => {
      for (const child of this.shown.get(node) ?? []) {
        const item = this.provider.getTreeItem(child) as vscode.TreeItem;
        const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
        paths.push(`${prefix}${label}`);
        walk(child, `${prefix}${label}/`);
      }
    };
    walk(undefined, '');
    return paths;
  }

  dispose(): void {
    this.listener?.dispose();
  }

  private enqueue(changed: T | T[] | undefined | null | void): Promise<void> {
    this.reading = this.reading.then(() => this.read(changed)).catch(() => undefined);
    return this.reading;
  }

  private async read(changed: T | T[] | undefined | null | void): Promise<void> {
    if (changed === undefined || changed === null) {
      this.shown.clear();
      await this.readChildren(undefined);
      return;
    }
    for (const node of Array.isArray(changed) ? changed : [changed]) {
      if (this.shown.has(node)) await this.readChildren(node);
    }
  }

  private async readChildren(node: T | undefined): Promise<void> {
    const children = (await this.provider.getChildren(node)) ?? [];
    this.shown.set(node, children);
    for (const child of children) if (this.expands(child)) await this.readChildren(child);
  }
}

/** Waits until the mirrored view shows what `expected` accepts; on timeout, fails saying what it shows. */
export async function untilShown<T>(view: ViewMirror<T>, what: string, expected: (paths: string[]) => boolean, timeoutMs = 20_000): Promise<void> {
  try {
    await waitFor(what, async () => expected(await view.paths()) || undefined, timeoutMs);
  } catch (error) {
    assert.fail(`${(error as Error).message}; the view shows ${JSON.stringify(await view.paths())}`);
  }
}
