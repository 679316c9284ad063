// Arrival order: where a stored message stands among all messages in the order they were committed, for the live stream.

/**
 * A place in arrival order: a sequence the store hands out as messages commit, then message_id for
 * the messages that committed together. Everything at or before a position the store has reported
 * is committed, so a reader that resumes after it misses nothing and repeats nothing.
 */
export interface ArrivalPosition {
  /** A non-negative integer, in decimal: the store's commit sequence. */
  seq: string;
  messageId: string;
}

/** Before every message: a stream that starts here replays the whole store. */
export const ARRIVAL_START: ArrivalPosition = Object.freeze({ seq: "0", messageId: "" });

/** A stored message and its place in arrival order. */
export interface Arrival<M> {
  message: M;
  position: ArrivalPosition;
}

/** By code point, which is UTF-8's byte order; JS's own `<` compares UTF-16 units, which differs past U+FFFF. */
function compareCodePoints(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === a.length || i === b.length) return a.length - b.length;
  return a.codePointAt(i)! - b.codePointAt(i)!;
}

/**
 * Negative, zero or positive as `a` is before, at or after `b`: the number first, then message_id
 * byte by byte (as the databases compare it, which JS's UTF-16 order does not always agree with).
 */
export function compareArrivals(a: ArrivalPosition, b: ArrivalPosition): number {
  const bySeq = BigInt(a.seq) - BigInt(b.seq);
  if (bySeq !== 0n) return bySeq < 0n ? -1 : 1;
  return Math.sign(compareCodePoints(a.messageId, b.messageId));
}
