/** Clean-ups a Ctrl-C must still run (scratch databases, temp directories); finally blocks do not run on SIGINT. */
const pending = new Set<() => Promise<unknown>>();

/** Registers `fn` until the returned function is called (normally in the `finally` that does the same work). */
export function onInterrupt(fn: () => Promise<unknown>): () => void {
  pending.add(fn);
  return () => pending.delete(fn);
}

export async function runInterruptCleanups(): Promise<void> {
  await Promise.allSettled([...pending].map((fn) => fn()));
  pending.clear();
}
