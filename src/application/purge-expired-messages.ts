// PurgeExpiredMessages: one batch of retention, deleting the oldest messages received more than the retention period ago.
import type { MessageRepository } from "./ports.js";

const DAY_MS = 86_400_000;

export interface RetentionRule {
  /** Messages received more than this many days before `now` are purged. */
  retentionDays: number;
  /** The most one batch deletes: small, so a batch never holds the writer for long. */
  maxRows: number;
}

/** Answers how many messages this batch deleted; `maxRows` of them means more may be waiting. */
export async function purgeExpiredMessages(
  ports: { messages: MessageRepository },
  { retentionDays, maxRows, now }: RetentionRule & { now: Date },
): Promise<number> {
  // By receipt, not by the sender's ts: a sender's clock, or a message sent long ago, does not decide how long we keep it.
  return ports.messages.purgeReceivedBefore(new Date(now.getTime() - retentionDays * DAY_MS), maxRows);
}
