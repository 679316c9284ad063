// Reads that take turns: at most so many run at once, the rest wait in arrival order.

/** Runs each read once fewer than `most` others are running; a failed read frees its place as a finished one does. */
export function turns(most: number): <T>(read: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (read) => {
    // A place is handed on from the read that frees it, so no newcomer can take it first.
    if (running < most) running += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await read();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
}
