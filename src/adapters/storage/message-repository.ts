// The one Kysely implementation of MessageRepository, for every supported database.
import type { Kysely, SelectQueryBuilder } from "kysely";
import { sql } from "kysely";
import {
  StorageUnavailableError,
  type MessageFilter,
  type MessagePage,
  type MessageRepository,
  type MessageStats,
  type PageRequest,
} from "../../application/ports.js";
import { timestampKey, type ListPosition, type Message } from "../../domain/message.js";
import type { DialectFeatures } from "./dialect-features.js";
import { groupCommit } from "./group-commit.js";
import type { Database, MessageRow, NewMessageRow } from "./tables.js";

const toMessage = (row: Pick<MessageRow, "message_id" | "from_msisdn" | "to_msisdn" | "ts" | "text">): Message => ({
  message_id: row.message_id,
  from: row.from_msisdn,
  to: row.to_msisdn,
  ts: row.ts,
  text: row.text,
});

const deepFreeze = (stats: MessageStats): MessageStats => {
  for (const sender of stats.top_senders) Object.freeze(sender);
  Object.freeze(stats.top_senders);
  return Object.freeze(stats);
};

/** Any failure of the store surfaces as StorageUnavailableError, so a caller never mistakes it for a bug of its own. */
const guarded = async <T>(work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    throw new StorageUnavailableError(error);
  }
};

export function createMessageRepository(db: Kysely<Database>, features: DialectFeatures): MessageRepository {
  /**
   * The filter as a function that narrows a query. Built once per list: the page and the count
   * share it, and the text condition may cost queries of its own to work out (SQLite's trigram probes).
   */
  const matching = (filter: MessageFilter) => {
    const text = filter.q === undefined ? undefined : features.textContains("text", filter.q);
    return <O>(query: SelectQueryBuilder<Database, "messages", O>) => {
      let q = query;
      if (filter.from !== undefined) q = q.where("from_msisdn", "=", filter.from);
      if (filter.sinceKey !== undefined) q = q.where("ts_key", ">=", filter.sinceKey);
      if (text !== undefined) q = q.where(text);
      return q;
    };
  };

  /** Rows strictly after a position in the list order; the (ts_key, message_id) index serves it. */
  const after = <O>(query: SelectQueryBuilder<Database, "messages", O>, position: ListPosition | undefined) =>
    position === undefined
      ? query
      : query.where((eb) => eb(eb.refTuple("ts_key", "message_id"), ">", eb.tuple(position.key, position.messageId)));

  /**
   * How many messages match. Without a time or text filter the per-sender counts answer in a
   * row or two; otherwise the matching rows are counted.
   */
  const countMatching = async (
    trx: Kysely<Database>,
    filter: MessageFilter,
    filtered: ReturnType<typeof matching>,
  ): Promise<number> => {
    if (filter.sinceKey === undefined && filter.q === undefined) {
      let counts = trx.selectFrom("sender_counts");
      if (filter.from !== undefined) counts = counts.where("from_msisdn", "=", filter.from);
      const { total } = await counts
        .select((eb) => eb.fn.sum<number | string | null>("count").as("total"))
        .executeTakeFirstOrThrow();
      return Number(total ?? 0);
    }
    const { total } = await filtered(trx.selectFrom("messages"))
      .select((eb) => eb.fn.countAll().as("total"))
      .executeTakeFirstOrThrow();
    return Number(total);
  };

  /**
   * Inserts that arrive together commit together, in one statement. The ids it returns are the
   * rows it created; a second copy of an id within the batch is a duplicate of the first.
   */
  const insertInBatch = groupCommit<NewMessageRow, boolean>(features.maxWriteBatch, async (rows) => {
    const firstOf = new Map<string, NewMessageRow>();
    for (const row of rows) if (!firstOf.has(row.message_id)) firstOf.set(row.message_id, row);
    const created = await db
      .insertInto("messages")
      // In id order: two batches holding ids the other wants would otherwise deadlock (PostgreSQL).
      .values([...firstOf.values()].sort((a, b) => (a.message_id < b.message_id ? -1 : 1)))
      .onConflict((oc) => oc.column("message_id").doNothing())
      .returning("message_id")
      .execute();
    const createdIds = new Set(created.map((row) => row.message_id));
    return rows.map((row) => firstOf.get(row.message_id) === row && createdIds.has(row.message_id));
  });

  /** One page and the total, from one snapshot, so they agree. */
  const listPage = (filter: MessageFilter, page: PageRequest): Promise<MessagePage> =>
    db.transaction().setIsolationLevel("repeatable read").execute(async (trx) => {
      const filtered = matching(filter);
      const rows = await after(filtered(trx.selectFrom("messages")), page.after)
        .select(["message_id", "from_msisdn", "to_msisdn", "ts", "text"])
        .orderBy("ts_key")
        .orderBy("message_id")
        .limit(page.limit)
        .offset(page.offset)
        .execute();
      return { data: rows.map(toMessage), total: await countMatching(trx, filter, filtered) };
    });

  /** The stats from one snapshot. */
  const computeStats = (topSenders: number): Promise<MessageStats> =>
    db.transaction().setIsolationLevel("repeatable read").execute(async (trx) => {
      const totals = await trx
        .selectFrom("sender_counts")
        .select((eb) => [eb.fn.sum<number | string | null>("count").as("messages"), eb.fn.countAll().as("senders")])
        .executeTakeFirstOrThrow();
      const top = await trx
        .selectFrom("sender_counts")
        .select(["from_msisdn", "count"])
        .orderBy("count", "desc")
        .orderBy("from_msisdn")
        .limit(topSenders)
        .execute();
      const edge = (direction: "asc" | "desc") =>
        trx
          .selectFrom("messages")
          .select("ts")
          .orderBy("ts_key", direction)
          .orderBy("message_id", direction)
          .limit(1)
          .executeTakeFirst();
      const [first, last] = [await edge("asc"), await edge("desc")];
      return {
        total_messages: Number(totals.messages ?? 0),
        unique_senders: Number(totals.senders),
        top_senders: top.map((row) => ({ from: row.from_msisdn, count: Number(row.count) })),
        first_message_ts: first?.ts ?? null,
        last_message_ts: last?.ts ?? null,
      };
    });

  /**
   * The last stats and the change stamp read before computing them. Between two commits every
   * caller gets the same answer, and a dashboard polling /stats then costs no queries at all.
   */
  let lastStats: { stamp: string; topSenders: number; stats: MessageStats } | undefined;

  return {
    insertIfAbsent: (message) => {
      const ts_key = timestampKey(message.ts);
      if (ts_key === null) throw new RangeError(`message ts is not a valid timestamp: ${message.ts}`);
      const { message_id, from, to, ts, text } = message;
      const row = { message_id, from_msisdn: from, to_msisdn: to, ts, ts_key, text, created_at: new Date().toISOString() };
      return guarded(() => insertInBatch(row));
    },

    list: (filter: MessageFilter, page: PageRequest): Promise<MessagePage> =>
      guarded(async () => {
        try {
          return await listPage(filter, page);
        } catch (error) {
          // A damaged search index is no reason to fail a search: the messages themselves still answer it.
          if (filter.q === undefined || !features.searchAidFailed?.(filter.q)) throw error;
          return listPage(filter, page);
        }
      }),

    stats: (topSenders: number): Promise<MessageStats> =>
      guarded(async () => {
        // Read before computing: a commit in between changes the stamp, so the answer is never kept past it.
        const stamp = features.changeStamp?.();
        if (stamp !== undefined && lastStats?.stamp === stamp && lastStats.topSenders === topSenders) return lastStats.stats;
        const stats = await computeStats(topSenders);
        // Frozen: every caller until the next commit shares this object.
        if (stamp !== undefined) lastStats = { stamp, topSenders, stats: deepFreeze(stats) };
        return stats;
      }),

    ping: () =>
      guarded(async () => {
        await sql`select 1`.execute(db);
      }),
  };
}
