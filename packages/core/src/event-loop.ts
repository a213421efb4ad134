/**
 * Resolves on a later turn of the event loop, after pending I/O callbacks and microtasks:
 * `setImmediate` in Node, a zero timeout elsewhere. Readers use it to let a prefetch issue
 * its read before they start CPU work on the current array.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}
