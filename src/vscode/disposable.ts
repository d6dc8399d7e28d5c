import type * as vscode from 'vscode';
import { logError } from './runLensLog';

/**
 * One idiom for lifetimes: whatever an object registers it hands to `register`, and disposing the
 * object disposes all of it in reverse order. Registering on an already disposed owner disposes at once,
 * so a late async registration can never leak.
 */
export abstract class Disposable implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  protected register<T extends vscode.Disposable>(disposable: T): T {
    if (this.disposed) {
      disposable.dispose();
    } else {
      this.disposables.push(disposable);
    }
    return disposable;
  }

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables.splice(0).reverse()) {
      try {
        d.dispose();
      } catch (error) {
        logError('Error while disposing', error);
      }
    }
  }
}
