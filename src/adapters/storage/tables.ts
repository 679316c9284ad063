// The tables as Kysely sees them.
import type { Generated, Insertable, Selectable } from "kysely";

export interface MessagesTable {
  message_id: string;
  from_msisdn: string;
  to_msisdn: string;
  /** As received. */
  ts: string;
  /** Sortable form of the instant `ts` names (domain `timestampKey`); ordering and `since` use it. */
  ts_key: string;
  text: string | null;
  /** Fingerprint of from, to, ts and text (content-hash.ts): a repeated id with other content is a conflict. Null only on rows an older release stored. */
  content_hash: string | null;
  /** When this service received and stored the row, ISO-8601 UTC: retention purges by it. */
  created_at: string;
}

/** What a purge leaves of a message: enough to answer a late retry of its id as before. */
export interface PurgedMessagesTable {
  message_id: string;
  /** The purged copy's fingerprint (content-hash.ts). */
  content_hash: string;
  /** ISO-8601 UTC. */
  purged_at: string;
}

/** Kept by triggers on messages (insert and delete): one row per sender, counting its messages. */
export interface SenderCountsTable {
  from_msisdn: string;
  count: number | string;
}

/** The delivery log: webhook attempts that stored nothing, oldest trimmed beyond DELIVERY_LOG_MAX_ROWS. */
export interface DeliveriesTable {
  /** Arrival order: a number on SQLite, a bigint's decimal string on PostgreSQL. */
  id: Generated<number | string>;
  /** ISO-8601 UTC with milliseconds: compares as text like the instants it names. */
  received_at: string;
  request_id: string;
  result: string;
  reason: string | null;
  message_id: string | null;
  signature_scheme: string;
  /** A bigint's decimal string on PostgreSQL. */
  body_bytes: number | string;
  body_sha256: string | null;
  client_address: string | null;
  user_agent: string | null;
}

/** One row, rewritten by readiness to learn whether writes work again. */
export interface WriteProbeTable {
  id: number;
  probed_at: string;
}

export interface Database {
  write_probe: WriteProbeTable;
  messages: MessagesTable;
  purged_messages: PurgedMessagesTable;
  sender_counts: SenderCountsTable;
  deliveries: DeliveriesTable;
}

export type MessageRow = Selectable<MessagesTable>;
export type NewMessageRow = Insertable<MessagesTable>;
export type DeliveryRow = Selectable<DeliveriesTable>;
export type NewDeliveryRow = Insertable<DeliveriesTable>;
