// Commits held for a moment at the background thread's request, while its last checkpoint copies the WAL back whole (background-worker.js).

/** The longest a hold lasts, should the thread never say it is done: every webhook in it waits this long. */
const MAX_HOLD_MS = 50;

export interface WriteHold {
  /** Holds new commits until released, or until MAX_HOLD_MS has passed. */
  hold(): void;
  release(): void;
  /** Undefined while commits may go ahead; otherwise resolved when they may. */
  held(): Promise<void> | undefined;
}

export function writeHold(maxHoldMs = MAX_HOLD_MS): WriteHold {
  let current: { over: Promise<void>; end: () => void } | undefined;
  const release = () => {
    const ending = current;
    current = undefined;
    ending?.end();
  };
  return {
    hold() {
      if (current) return;
      let end!: () => void;
      const over = new Promise<void>((resolve) => (end = resolve));
      const timeout = setTimeout(release, maxHoldMs);
      current = {
        over,
        end: () => {
          clearTimeout(timeout);
          end();
        },
      };
    },
    release,
    held: () => current?.over,
  };
}
