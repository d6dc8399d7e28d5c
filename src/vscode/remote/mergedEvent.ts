import * as vscode from 'vscode';

/**
 * One event that fires whenever any of the given events does: a view's provider has one
 * onDidChangeTreeData, fed by the workspace's model and by the remote servers' tree.
 */
export function mergedEvent<T>(...events: vscode.Event<T>[]): vscode.Event<T> {
  return (listener, thisArgs, disposables) => {
    const subscription = vscode.Disposable.from(...events.map((event) => event(listener, thisArgs)));
    disposables?.push(subscription);
    return subscription;
  };
}
