// Group commit: writes that arrive together share one transaction, and each caller hears back only after it commits.
/**
 * Wraps a function that writes a whole batch in one transaction. Items queued while the event
 * loop works through a burst of requests are written together on the next turn; if the
 * transaction fails, every caller in it gets the error, so nothing is acknowledged unwritten.
 * While `held` answers a promise, no batch is written; items queued meanwhile join the next.
 */
export function groupCommit<T, R>(
  maxBatch: number,
  writeBatch: (items: T[]) => Promise<R[]>,
  held: () => Promise<void> | undefined = () => undefined,
): (item: T) => Promise<R> {
  let queue: { item: T; resolve: (result: R) => void; reject: (error: unknown) => void }[] = [];
  let scheduled = false;

  const flush = async () => {
    // Still scheduled while held: what arrives meanwhile waits for this flush.
    for (let hold = held(); hold; hold = held()) await hold;
    scheduled = false;
    const batch = queue.slice(0, maxBatch);
    queue = queue.slice(maxBatch);
    if (queue.length > 0) schedule();
    try {
      const results = await writeBatch(batch.map((entry) => entry.item));
      batch.forEach((entry, i) => entry.resolve(results[i]!));
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => void flush());
  };

  return (item) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      schedule();
    });
}
