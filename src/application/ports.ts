// The one port the use cases need: where messages live. Adapters implement it; nothing here knows SQL.
import type { ListPosition, Message, ReceivedMessage } from "../domain/message.js";

export interface MessageFilter {
  /** Exact sender. */
  from?: string;
  /** Sort key of an instant (see domain `dateTimeKey`): messages at or after it. */
  sinceKey?: string;
  /** Case-insensitive substring of the text; `%` and `_` are ordinary characters. */
  q?: string;
}

export interface PageRequest {
  limit: number;
  offset: number;
  /** Keyset paging: only messages after this position (then `offset` more are skipped). */
  after?: ListPosition;
}

export interface MessagePage {
  data: Message[];
  total: number;
  /** Where the last message of `data` stands in the list order; null when `data` is empty. */
  last: ListPosition | null;
}

/**
 * What storing came to. A repeated message_id changes nothing either way; `conflict` says its
 * content differs from the stored copy's, with both content fingerprints for whoever looks into it.
 */
export type InsertOutcome =
  | { kind: "created" }
  | { kind: "duplicate" }
  | { kind: "conflict"; storedHash: string; sentHash: string };

export interface SenderCount {
  from: string;
  count: number;
}

export interface MessageStats {
  total_messages: number;
  unique_senders: number;
  top_senders: SenderCount[];
  first_message_ts: string | null;
  last_message_ts: string | null;
}

export interface MessageRepository {
  /** Stores the message unless one with its id exists; says which, and whether the stored copy differs. Atomic. */
  insertIfAbsent(message: ReceivedMessage): Promise<InsertOutcome>;
  /** Matching messages ordered by ts instant then message_id, and how many match in all. */
  list(filter: MessageFilter, page: PageRequest): Promise<MessagePage>;
  stats(topSenders: number): Promise<MessageStats>;
  /** Resolves when the store answers; rejects otherwise. */
  ping(): Promise<void>;
}

/**
 * Thrown by a repository when the store cannot be reached or refuses to work, so callers can
 * answer "try again later" instead of treating it as a bug.
 */
export class StorageUnavailableError extends Error {
  constructor(cause: unknown) {
    super("storage unavailable", { cause });
    this.name = "StorageUnavailableError";
  }
}
