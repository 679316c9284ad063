// Runs retention in the background: a run of batches on a timer, a pause between batches so ingest goes first, stopped on shutdown.
export interface RetentionRunner {
  /** Lets a batch in progress finish, then runs no other. */
  stop(): Promise<void>;
}

export interface RetentionSchedule {
  /** One batch; answers how many it deleted. */
  purgeBatch: () => Promise<number>;
  /** A full batch: more may wait. */
  maxRows: number;
  /** Between two runs. */
  intervalMs: number;
  /** Between two batches of one run: the event loop, and the writers waiting on the database, go first. */
  pauseMs: number;
  /** A run ended; `purged` messages were deleted in it (0 included). */
  onRun?: (purged: number) => void;
  /** A batch failed; the run ends, and the next one tries again. */
  onError?: (error: unknown) => void;
}

export function startRetention({ purgeBatch, maxRows, intervalMs, pauseMs, onRun, onError }: RetentionSchedule): RetentionRunner {
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let wakePause: (() => void) | undefined;
  let running: Promise<void> | undefined;

  const pause = () =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, pauseMs);
      wakePause = () => (clearTimeout(t), resolve());
    });

  const run = async () => {
    let purged = 0;
    try {
      for (;;) {
        const deleted = await purgeBatch();
        purged += deleted;
        if (deleted < maxRows || stopping) break;
        await pause();
        if (stopping) break;
      }
      onRun?.(purged);
    } catch (error) {
      onError?.(error);
    }
  };

  const schedule = (delayMs: number) => {
    if (stopping) return;
    // Retention is never a reason to keep the process alive.
    timer = setTimeout(() => {
      running = run().finally(() => {
        running = undefined;
        schedule(intervalMs);
      });
    }, delayMs).unref();
  };
  schedule(0);

  return {
    async stop() {
      stopping = true;
      clearTimeout(timer);
      wakePause?.();
      await running;
    },
  };
}
