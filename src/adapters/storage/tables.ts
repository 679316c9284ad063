// The tables as Kysely sees them.
import type { Insertable, Selectable } from "kysely";

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
  /** When this service stored the row, ISO-8601 UTC. */
  created_at: string;
}

/** Kept by a trigger on messages: one row per sender, counting its messages. */
export interface SenderCountsTable {
  from_msisdn: string;
  count: number | string;
}

export interface Database {
  messages: MessagesTable;
  sender_counts: SenderCountsTable;
}

export type MessageRow = Selectable<MessagesTable>;
export type NewMessageRow = Insertable<MessagesTable>;
