// The ports the use cases need: where messages live, and the log of refused deliveries. Nothing here knows SQL.
import type { Delivery, StoredDelivery, WebhookResult } from "../domain/delivery.js";
import type { Arrival, ArrivalPosition } from "../domain/arrival.js";
import type { ListOrder, ListPosition, Message, ReceivedMessage } from "../domain/message.js";

export interface MessageFilter {
  /** Exact sender. */
  from?: string;
  /** Exact recipient. */
  to?: string;
  /** Sort key of an instant (see domain `dateTimeKey`): messages at or after it. */
  sinceKey?: string;
  /** Sort key of an instant: messages strictly before it. */
  untilKey?: string;
  /** Case-insensitive substring of the text; `%` and `_` are ordinary characters. */
  q?: string;
}

export interface PageRequest {
  limit: number;
  offset: number;
  /** Keyset paging: only messages after this position in `order` (then `offset` more are skipped). */
  after?: ListPosition;
  /** Absent means `asc`. */
  order?: ListOrder;
}

/** A run of rows for walking a whole list in batches: no total, which would cost a count per batch. */
export interface MessageBatch {
  data: Message[];
  last: ListPosition | null;
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

/** What a live stream may narrow by: the list's meaning of each. */
export type ArrivalFilter = Pick<MessageFilter, "from" | "q">;

export interface ArrivalRange {
  /** Only messages after this position. */
  after: ArrivalPosition;
  /** And at or before this one, when given. */
  upTo?: ArrivalPosition;
  limit: number;
}

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

/**
 * Whoever waits for a read's answer. `signal` aborts once no one does any more (the client went
 * away); it may be made on first use, so a store reads it only where a read can wait (its turn).
 */
export interface Waiter {
  readonly signal: AbortSignal;
}

export interface MessageRepository {
  /** Stores the message unless one with its id exists; says which, and whether the stored copy differs. Atomic. */
  insertIfAbsent(message: ReceivedMessage): Promise<InsertOutcome>;
  /**
   * Matching messages ordered by ts instant then message_id (or the reverse), and how many match in
   * all. Once the waiter's signal aborts, a read still waiting for its turn is dropped and rejects
   * with the signal's reason; one under way finishes.
   */
  list(filter: MessageFilter, page: PageRequest, waiter?: Waiter): Promise<MessagePage>;
  /**
   * Like `list`, without the total and without `offset`: the next `limit` rows after `page.after`.
   * A batch still waiting for its turn is dropped as `list`'s read is.
   */
  batch(filter: MessageFilter, page: Omit<PageRequest, "offset">, waiter?: Waiter): Promise<MessageBatch>;
  stats(topSenders: number): Promise<MessageStats>;
  /**
   * Matching messages in arrival order, oldest first. Only settled ones: committed, with no commit
   * still in flight that could take a place before them, so a reader never steps past a message
   * that is yet to appear.
   */
  arrivals(filter: ArrivalFilter, range: ArrivalRange): Promise<Arrival<Message>[]>;
  /** Where the newest settled message stands in arrival order; ARRIVAL_START when there is none. */
  arrivalEnd(): Promise<ArrivalPosition>;
  /** Resolves when the store answers; rejects otherwise. */
  ping(): Promise<void>;
  /**
   * Resolves when writes work: at once while the last write succeeded; after a small probe write
   * once one has failed (a full disk answers reads). Rejects while writes fail.
   */
  writable(): Promise<void>;
  /**
   * Deletes at most `maxRows` of the messages received before `receivedBefore`, oldest first, in one
   * transaction; each leaves its id behind, so a later copy of it is still a repeat, never stored
   * again. Answers how many it deleted: fewer than `maxRows` means none is left to delete (for now).
   */
  purgeReceivedBefore(receivedBefore: Date, maxRows: number): Promise<number>;
}

export interface DeliveryFilter {
  result?: WebhookResult;
  /** `receivedAt` at or after this instant, written as `receivedAt` is (ISO-8601 UTC with milliseconds). */
  sinceIso?: string;
  /** Exact message_id. */
  messageId?: string;
}

export interface DeliveryPageRequest {
  limit: number;
  /** Keyset paging: only entries older than the one with this id. */
  before?: string;
}

/** The bounded log of webhook attempts that stored nothing. Writes are queued and land in batches, off the request's path. */
export interface DeliveryLog {
  /** Queues the entry and returns at once; never throws. A full queue drops it, and the drop is counted. */
  record(delivery: Delivery): void;
  /** Matching entries, newest first (by id, descending). */
  list(filter: DeliveryFilter, page: DeliveryPageRequest): Promise<StoredDelivery[]>;
  /** Writes everything queued so far; for shutdown and tests. Failures go to the log's error callback, not here. */
  flush(): Promise<void>;
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
