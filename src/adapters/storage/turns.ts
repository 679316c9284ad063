// Reads that take turns: at most so many run at once, the rest wait in arrival order.

/**
 * Runs each read once fewer than `most` others are running; a failed read frees its place as a
 * finished one does. A read whose `signal` aborts while it waits leaves the line, rejecting with the
 * signal's reason: under overload, the turns go to callers still waiting for an answer.
 */
export function turns(most: number): <T>(read: () => Promise<T>, signal?: AbortSignal) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  const place = (signal: AbortSignal | undefined) =>
    new Promise<void>((resolve, reject) => {
      const abandon = () => {
        waiting.splice(waiting.indexOf(take), 1);
        reject(signal!.reason);
      };
      const take = () => {
        signal?.removeEventListener("abort", abandon);
        resolve();
      };
      waiting.push(take);
      signal?.addEventListener("abort", abandon, { once: true });
    });
  return async (read, signal) => {
    signal?.throwIfAborted();
    // A place is handed on from the read that frees it, so no newcomer can take it first.
    if (running < most) running += 1;
    else await place(signal);
    try {
      return await read();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
}
