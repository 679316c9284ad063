// The live edge of arrival order, shared by every open stream: one reader follows the store and hands
// each stream that has caught up the new messages it asked for, so a thousand streams cost one read.
import { compareArrivals, type Arrival, type ArrivalPosition } from "../domain/arrival.js";
import { isStorableText, type Message } from "../domain/message.js";
import type { ArrivalFilter, MessageRepository } from "./ports.js";

export interface ArrivalFeedOptions {
  /** How often to look for messages another process or instance stored; this one's wake the feed at once. */
  pollMs: number;
  /** Messages per read of the store. */
  batch: number;
  /**
   * How long a wake waits for more to wake it before the feed reads: every read costs each stream a
   * write, and a busy service would otherwise pay that per commit. 0 reads at once.
   */
  gatherMs: number;
  /** A read of the store failed; the feed tries again at the next wake or poll, and no stream moves meanwhile. */
  onError?: (error: unknown) => void;
}

/** A stream that has caught up with the feed and takes what it reads. */
export interface LiveListener {
  filter: ArrivalFilter;
  /**
   * The new messages that match (maybe none), through `through`. Answers false when it cannot take
   * them (it has fallen behind): the feed lets it go, and it catches up from the store.
   */
  deliver(arrivals: Arrival<Message>[], through: ArrivalPosition): boolean;
  /** It joined while a read was under way and so missed that read: it must catch up from the store. */
  dropped(): void;
}

export interface ArrivalFeed {
  /** Something was stored here: read on without waiting for the poll. */
  wake(): void;
  /** Where the feed stands: everything up to here has been handed to the listeners. */
  tail(): Promise<ArrivalPosition>;
  /** Takes a listener that has delivered everything up to the current tail; false when it has not. */
  join(listener: LiveListener, position: ArrivalPosition): boolean;
  leave(listener: LiveListener): void;
  /** Resolves when the tail next moves, or when `signal` aborts. */
  moved(signal: AbortSignal): Promise<void>;
}

/** Stored text never holds a NUL or a lone surrogate: such a q matches nothing, and no database is asked. */
export const matchesNothing = (filter: ArrivalFilter): boolean => filter.q !== undefined && !isStorableText(filter.q);

const keyOf = (filter: ArrivalFilter) => JSON.stringify([filter.from ?? null, filter.q ?? null]);

export function createArrivalFeed(messages: MessageRepository, options: ArrivalFeedOptions): ArrivalFeed {
  /** Undefined while no stream needs it: read afresh when one does, rather than kept up for nobody. */
  let current: ArrivalPosition | undefined;
  let starting: Promise<ArrivalPosition> | undefined;
  const live = new Set<LiveListener>();
  let waiters = new Set<() => void>();
  let reading = false;
  let readAgain = false;
  let poll: NodeJS.Timeout | undefined;

  const inUse = () => live.size > 0 || waiters.size > 0;
  /** Polls only while a stream is open; with none, forgets the tail. */
  const settle = () => {
    if (inUse()) {
      poll ??= setInterval(wake, options.pollMs).unref();
      return;
    }
    clearInterval(poll);
    poll = undefined;
    if (!reading) current = undefined;
  };

  /** The new messages a filter lets through: the read's own for none or a sender, one narrow read of the same range for a search. */
  const matching = async (filter: ArrivalFilter, read: Arrival<Message>[], after: ArrivalPosition, upTo: ArrivalPosition) => {
    if (matchesNothing(filter)) return [];
    if (filter.q !== undefined) return messages.arrivals(filter, { after, upTo, limit: options.batch });
    return filter.from === undefined ? read : read.filter((a) => a.message.from === filter.from);
  };

  const readOn = async () => {
    reading = true;
    try {
      do {
        readAgain = false;
        for (let full = true; full && current !== undefined; ) {
          const after: ArrivalPosition = current;
          const read = await messages.arrivals({}, { after, limit: options.batch });
          full = read.length === options.batch;
          if (read.length === 0) break;
          const through = read.at(-1)!.position;
          const members = new Set(live);
          const byFilter = new Map<string, Arrival<Message>[]>();
          for (const listener of members) {
            const key = keyOf(listener.filter);
            if (!byFilter.has(key)) byFilter.set(key, await matching(listener.filter, read, after, through));
          }
          if (current === undefined) break;
          current = through;
          for (const listener of live) {
            // One that joined during the reads above was not asked for: it catches up by itself.
            if (!members.has(listener)) {
              live.delete(listener);
              listener.dropped();
            } else if (!listener.deliver(byFilter.get(keyOf(listener.filter))!, through)) {
              live.delete(listener);
            }
          }
          const woken = waiters;
          waiters = new Set();
          for (const resolve of woken) resolve();
        }
      } while (readAgain && current !== undefined);
    } catch (error) {
      options.onError?.(error);
    } finally {
      reading = false;
      settle();
    }
  };

  let gathering: NodeJS.Timeout | undefined;
  function wake(): void {
    if (current === undefined) return;
    if (reading) {
      readAgain = true;
      return;
    }
    if (options.gatherMs === 0) return void readOn();
    gathering ??= setTimeout(() => {
      gathering = undefined;
      if (reading) readAgain = true;
      else void readOn();
    }, options.gatherMs);
  }

  return {
    wake,
    async tail() {
      if (current !== undefined) return current;
      starting ??= messages.arrivalEnd().finally(() => (starting = undefined));
      const end = await starting;
      current ??= end;
      // Kept only while polled: a tail read for a stream that never joins (a HEAD, one closed while
      // catching up) would otherwise stand for "now" until something here is stored, however long.
      // The first poll with no stream in use forgets it.
      poll ??= setInterval(wake, options.pollMs).unref();
      return current;
    },
    join(listener, position) {
      if (current === undefined || compareArrivals(position, current) !== 0) return false;
      live.add(listener);
      settle();
      return true;
    },
    leave(listener) {
      live.delete(listener);
      settle();
    },
    moved(signal) {
      return new Promise<void>((resolve) => {
        if (signal.aborted) return resolve();
        const done = () => {
          waiters.delete(done);
          signal.removeEventListener("abort", done);
          settle();
          resolve();
        };
        waiters.add(done);
        signal.addEventListener("abort", done, { once: true });
        settle();
      });
    },
  };
}
