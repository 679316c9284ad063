// StreamMessages: every message that matches, in arrival order, from a position on: first those already
// stored, read from the store, then each as it arrives, handed over by the feed. None missed, none twice.
import { compareArrivals, type Arrival, type ArrivalPosition } from "../domain/arrival.js";
import type { Message } from "../domain/message.js";
import { matchesNothing, type ArrivalFeed, type LiveListener } from "./arrival-feed.js";
import type { ArrivalFilter, MessageRepository } from "./ports.js";

export interface StreamQuery extends ArrivalFilter {
  /** Resume after this position; absent: start with the messages that arrive from now on. */
  after?: ArrivalPosition;
}

/**
 * Runs of messages, oldest first: a read of the store, or what the feed handed over since the reader
 * last asked. The reader sends a run at once, so the position has moved past it when it is handed out.
 */
export interface MessageStream extends AsyncIterable<Arrival<Message>[]> {
  /** Everything that matches up to here has been handed out: where a resumed stream should start. */
  position(): ArrivalPosition;
  /** Ends the iteration; a wait in progress returns at once. */
  close(): void;
}

export interface StreamLimits {
  /** Messages per read of the store while catching up. */
  batch: number;
  /** Messages a stream may hold for a slow reader before it lets the feed go and reads the store itself. */
  maxQueued: number;
}

/** The feed's messages for one stream, held until the reader takes them. */
function liveQueue(filter: ArrivalFilter, maxQueued: number) {
  const queue: Arrival<Message>[] = [];
  let through: ArrivalPosition | undefined;
  let left = false;
  let wakeReader: (() => void) | undefined;
  const wake = () => {
    wakeReader?.();
    wakeReader = undefined;
  };
  const listener: LiveListener = {
    filter,
    deliver(arrivals, upTo) {
      if (queue.length + arrivals.length > maxQueued) {
        left = true;
        wake();
        return false;
      }
      queue.push(...arrivals);
      through = upTo;
      wake();
      return true;
    },
    dropped() {
      left = true;
      wake();
    },
  };
  return {
    listener,
    /** Everything held, in order, leaving the queue empty. */
    takeAll: () => queue.splice(0),
    /** How far the feed had read when the queue last took its messages; cleared as it is read. */
    takeThrough() {
      const upTo = queue.length === 0 ? through : undefined;
      if (upTo !== undefined) through = undefined;
      return upTo;
    },
    /** The feed let the stream go: catch up from the store once the queue is empty. */
    left: () => left,
    arrival: () => new Promise<void>((resolve) => (wakeReader = resolve)),
    wake,
  };
}

export async function streamMessages(
  ports: { messages: MessageRepository; feed: ArrivalFeed },
  query: StreamQuery,
  limits: StreamLimits,
): Promise<MessageStream> {
  const { messages, feed } = ports;
  const filter: ArrivalFilter = { from: query.from, q: query.q || undefined };
  // Where a stream without a position starts: the store's newest message now, not the feed's idea of
  // it (up to a poll behind for another process's messages). Asked of every stream, with a position
  // too, so one that cannot read the store fails now (a 503), not after its 200.
  const end = await messages.arrivalEnd();
  let position = query.after ?? end;
  const closing = new AbortController();
  let stopLive: (() => void) | undefined;

  /** Everything after `position` up to the feed's tail, read from the store batch by batch. */
  async function* catchUp(tail: ArrivalPosition): AsyncGenerator<Arrival<Message>[]> {
    while (!closing.signal.aborted && !matchesNothing(filter)) {
      const read = await messages.arrivals(filter, { after: position, upTo: tail, limit: limits.batch });
      if (read.length > 0) {
        // Moved before it is handed out: the reader sends it at once, and a position that lagged
        // behind it would have a resumed stream send its last message twice.
        position = read.at(-1)!.position;
        yield read;
      }
      if (read.length < limits.batch) break;
    }
    // Nothing else up to the tail matches.
    if (!closing.signal.aborted) position = tail;
  }

  /** What the feed hands over, until it lets go or the stream closes. */
  async function* follow(): AsyncGenerator<Arrival<Message>[]> {
    const live = liveQueue(filter, limits.maxQueued);
    if (!feed.join(live.listener, position)) return;
    stopLive = live.wake;
    try {
      while (!closing.signal.aborted) {
        const held = live.takeAll();
        if (held.length > 0) {
          position = held.at(-1)!.position;
          yield held;
          continue;
        }
        position = live.takeThrough() ?? position;
        if (live.left()) return;
        await live.arrival();
      }
    } finally {
      stopLive = undefined;
      feed.leave(live.listener);
    }
  }

  async function* arrivals(): AsyncGenerator<Arrival<Message>[]> {
    while (!closing.signal.aborted) {
      const tail = await feed.tail();
      const behind = compareArrivals(position, tail);
      if (behind < 0) yield* catchUp(tail);
      // Caught up: live until the feed lets go (the stream fell behind, or the tail moved before it joined).
      else if (behind === 0) yield* follow();
      // Ahead of this instance's tail (a position from another instance, or a tail read before it): wait for it.
      else await feed.moved(closing.signal);
    }
  }

  // One iteration per stream: its position is the stream's.
  const iteration = arrivals();
  return {
    [Symbol.asyncIterator]: () => iteration,
    position: () => position,
    close() {
      closing.abort();
      stopLive?.();
    },
  };
}
