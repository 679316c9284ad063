// The one Kysely implementation of DeliveryLog: a bounded in-memory queue, written in batches, the table trimmed to its bound.
import { sql, type Kysely } from "kysely";
import { StorageUnavailableError, type DeliveryLog } from "../../application/ports.js";
import type { Delivery, SignatureScheme, StoredDelivery, WebhookResult } from "../../domain/delivery.js";
import type { Database, DeliveryRow, NewDeliveryRow } from "./tables.js";

/**
 * Entries waiting to be written. A flood of refused requests fills it faster than it drains only
 * while the database is slow or away; beyond this, new entries are dropped and counted, so memory
 * stays bounded (an entry is well under 2 KB).
 */
export const MAX_PENDING = 5_000;
/**
 * Rows per insert. On SQLite a batch runs on the thread that serves requests, at some 10 µs a row
 * with the trim: 500 rows held it for about 5 ms, 200 for about 2 ms, the same cost per row.
 */
export const BATCH_ROWS = 200;
/** Entries that arrive within this long share a batch, rather than a commit each. */
export const FLUSH_DELAY_MS = 50;

export interface DeliveryLogOptions {
  /** DELIVERY_LOG_MAX_ROWS: the newest rows kept; 0 turns recording off. */
  maxRows: number;
  /** Told about each batch that could not be written; its entries are dropped and counted. */
  onError?: (error: unknown) => void;
  /** While false (PostgreSQL's schema is not migrated yet), entries wait in the queue. */
  writable?: () => boolean;
}

export interface StorageDeliveryLog extends DeliveryLog {
  /** Entries never written since start: the queue was full, their batch failed, or the log was closed. */
  droppedCount(): number;
  /** Writes what is queued; entries recorded afterwards are dropped. */
  close(): Promise<void>;
}

const toRow = (d: Delivery): NewDeliveryRow => ({
  received_at: d.receivedAt,
  request_id: d.requestId,
  result: d.result,
  reason: d.reason,
  message_id: d.messageId,
  signature_scheme: d.signatureScheme,
  body_bytes: d.bodyBytes,
  body_sha256: d.bodySha256,
  client_address: d.clientAddress,
  user_agent: d.userAgent,
});

const toDelivery = (row: DeliveryRow): StoredDelivery => ({
  id: String(row.id),
  receivedAt: row.received_at,
  requestId: row.request_id,
  result: row.result as WebhookResult,
  reason: row.reason,
  messageId: row.message_id,
  signatureScheme: row.signature_scheme as SignatureScheme,
  bodyBytes: Number(row.body_bytes),
  bodySha256: row.body_sha256,
  clientAddress: row.client_address,
  userAgent: row.user_agent,
});

export function createDeliveryLog(db: Kysely<Database>, options: DeliveryLogOptions): StorageDeliveryLog {
  const { maxRows } = options;
  let queue: Delivery[] = [];
  let dropped = 0;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  /** The drain in progress: one at a time, so batches land in arrival order. */
  let writing: Promise<void> | undefined;

  /**
   * One batch and the trim in one transaction: the table never holds more than maxRows rows.
   * Ids only grow, so everything at or below max(id) - maxRows is older than the newest maxRows;
   * the primary key finds both ends, and the delete reads only the rows it removes.
   */
  const writeBatch = (batch: Delivery[]) =>
    db.transaction().execute(async (trx) => {
      await trx.insertInto("deliveries").values(batch.map(toRow)).execute();
      await trx
        .deleteFrom("deliveries")
        .where("id", "<=", sql<number>`(select max(id) from deliveries) - ${maxRows}`)
        .execute();
    });

  const drain = async () => {
    while (queue.length > 0 && (options.writable?.() ?? true)) {
      const batch = queue.slice(0, BATCH_ROWS);
      queue = queue.slice(BATCH_ROWS);
      try {
        await writeBatch(batch);
      } catch (error) {
        // A log entry is not worth a retry that could hold up the next ones: drop, count, tell.
        dropped += batch.length;
        options.onError?.(error);
      }
    }
  };

  const schedule = () => {
    if (timer || closed) return;
    // Unreferenced: a pending write never keeps the process alive; close() writes it.
    timer = setTimeout(() => void flush(), FLUSH_DELAY_MS).unref();
  };

  const flush = async (): Promise<void> => {
    clearTimeout(timer);
    timer = undefined;
    while (writing) await writing;
    if (queue.length === 0) return;
    writing = drain().finally(() => (writing = undefined));
    await writing;
    // Left over only when not yet writable: try again shortly.
    if (queue.length > 0) schedule();
  };

  return {
    record(delivery) {
      if (maxRows === 0) return;
      if (closed || queue.length >= MAX_PENDING) {
        dropped += 1;
        return;
      }
      queue.push(delivery);
      schedule();
    },

    list: async (filter, page) => {
      try {
        let query = db.selectFrom("deliveries").selectAll();
        if (filter.result !== undefined) query = query.where("result", "=", filter.result);
        if (filter.sinceIso !== undefined) query = query.where("received_at", ">=", filter.sinceIso);
        if (filter.messageId !== undefined) query = query.where("message_id", "=", filter.messageId);
        if (page.before !== undefined) query = query.where("id", "<", page.before);
        const rows = await query.orderBy("id", "desc").limit(page.limit).execute();
        return rows.map(toDelivery);
      } catch (error) {
        throw new StorageUnavailableError(error);
      }
    },

    flush,
    droppedCount: () => dropped,

    async close() {
      await flush();
      closed = true;
      clearTimeout(timer);
      dropped += queue.length;
      queue = [];
    },
  };
}
