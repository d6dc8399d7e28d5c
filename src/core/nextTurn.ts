/**
 * Resolves on a later turn of the event loop, after the I/O callbacks and timers already due: what
 * long work awaits between its parts so the process keeps answering meanwhile.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
