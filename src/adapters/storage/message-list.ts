// Listing messages: the filters, keyset positions in either order, and a total that agrees with the page.
import { sql, type CompiledQuery, type Kysely, type SelectQueryBuilder } from "kysely";
import type { MessageBatch, MessageFilter, MessagePage, MessageRepository, PageRequest, Waiter } from "../../application/ports.js";
import type { ListOrder, ListPosition } from "../../domain/message.js";
import { compiledByShape } from "./compiled-shapes.js";
import type { DialectFeatures } from "./dialect-features.js";
import type { Database, MessageRow } from "./tables.js";

type Query<O> = SelectQueryBuilder<Database, "messages", O>;
type Row = Pick<MessageRow, "message_id" | "from_msisdn" | "to_msisdn" | "ts" | "text" | "ts_key">;

/** What a page reads of each message: on SQLite, the sender's index holds all of it (migration 0013). */
export const PAGE_COLUMNS = ["message_id", "from_msisdn", "to_msisdn", "ts", "text", "ts_key"] as const;
/**
 * An offset from which a page is read aside, where the dialect can. Skipping costs SQLite some 40 ns
 * a key, so 10,000 of them are about what a page of rows costs; an offset of 900,000 at 1M, 35 ms.
 */
const DEEP_OFFSET = 10_000;

/** The read was dropped because no one waits for it any more: `signal`'s own reason, not a failure of the store. */
export const isAbandonment = (error: unknown, signal: AbortSignal | undefined) => signal?.aborted === true && error === signal.reason;

/** Rows in the API's words, and where the last of them stands; the stored key, not one worked out again from ts. */
const batchOf = (rows: Row[]): MessageBatch => {
  const end = rows.at(-1);
  return {
    data: rows.map((r) => ({ message_id: r.message_id, from: r.from_msisdn, to: r.to_msisdn, ts: r.ts, text: r.text })),
    last: end ? { key: end.ts_key, messageId: end.message_id } : null,
  };
};

export function createMessageList(db: Kysely<Database>, features: DialectFeatures): Pick<MessageRepository, "list" | "batch"> {
  /**
   * The filter as a function that narrows a query. Built once per list: the page and the count
   * share it, and the text condition may cost queries of its own to work out (SQLite's trigram probes).
   */
  const matching = (filter: MessageFilter) => {
    const text = filter.q === undefined ? undefined : features.textContains("text", filter.q);
    return <O>(query: Query<O>) => {
      let q = query;
      if (filter.from !== undefined) q = q.where("from_msisdn", "=", filter.from);
      if (filter.to !== undefined) q = q.where("to_msisdn", "=", filter.to);
      if (filter.sinceKey !== undefined) q = q.where("ts_key", ">=", filter.sinceKey);
      if (filter.untilKey !== undefined) q = q.where("ts_key", "<", filter.untilKey);
      if (text !== undefined) q = q.where(text);
      return q;
    };
  };

  /**
   * Rows strictly after a position in the list order, in that order. Both directions walk the same
   * (ts_key, message_id) indexes, forwards or backwards.
   */
  const ordered = <O>(query: Query<O>, order: ListOrder = "asc", position: ListPosition | undefined) => {
    const q =
      position === undefined
        ? query
        : query.where((eb) => eb(eb.refTuple("ts_key", "message_id"), order === "asc" ? ">" : "<", eb.tuple(position.key, position.messageId)));
    return q.orderBy("ts_key", order).orderBy("message_id", order);
  };

  /**
   * How many messages match, as one row `{ total }`. With only a sender filter, or none, the
   * per-sender counts answer in a row or two; otherwise the matching rows are counted.
   */
  const countQuery = (source: Kysely<Database>, filter: MessageFilter, filtered: ReturnType<typeof matching>) => {
    const { from, ...narrowing } = filter;
    if (Object.values(narrowing).every((value) => value === undefined)) {
      let counts = source.selectFrom("sender_counts");
      if (from !== undefined) counts = counts.where("from_msisdn", "=", from);
      return counts.select((eb) => eb.fn.sum<number | string | null>("count").as("total"));
    }
    return filtered(source.selectFrom("messages")).select((eb) => eb.fn.countAll<number | string>().as("total"));
  };
  const totalOf = (counts: unknown[]) => Number((counts as Array<{ total: number | string | null }>)[0]?.total ?? 0);

  /**
   * The rows of a page or batch, in list order. An offset is skipped over keys alone: a subquery finds
   * the page's first position on an index holding (ts_key, message_id), without reading the rows it
   * passes, and the page starts there. Skipping whole rows reads each one (on PostgreSQL at 1M, an
   * offset of 900,000 took 3.3 s that way against 66 ms, once vacuum has marked the pages
   * all-visible). `skip` says whether to: compiled shapes decide it before the offset's value is known.
   */
  const pageQuery = (
    source: Kysely<Database>,
    filtered: ReturnType<typeof matching>,
    page: Omit<PageRequest, "offset"> & { offset?: number },
    skip = page.offset !== undefined && page.offset > 0,
  ) => {
    const rows = () => ordered(filtered(source.selectFrom("messages")), page.order, page.after);
    const query = rows().select(PAGE_COLUMNS).limit(page.limit);
    if (!skip || page.offset === undefined) return query;
    const first = rows().select(["ts_key", "message_id"]).limit(1).offset(page.offset);
    // (ts_key, message_id) is unique, so the page starts exactly at the row the subquery lands on.
    return query.where(sql<boolean>`(ts_key, message_id) ${sql.raw(page.order === "desc" ? "<=" : ">=")} ${first}`);
  };

  /** A page and its count without a text search: compiled once per shape, as the busiest reads are. */
  const listQueries = compiledByShape(
    ({ order, skip }: { order: ListOrder; skip: boolean }) => `${order}${skip ? "+offset" : ""}`,
    ({ order, skip }, v: { from?: string; to?: string; sinceKey?: string; untilKey?: string; limit: number; offset: number; afterKey?: string; afterId?: string }) => {
      const filter = { from: v.from, to: v.to, sinceKey: v.sinceKey, untilKey: v.untilKey };
      const after = v.afterKey === undefined || v.afterId === undefined ? undefined : { key: v.afterKey, messageId: v.afterId };
      const filtered = matching(filter);
      return [pageQuery(db, filtered, { limit: v.limit, offset: v.offset, order, after }, skip), countQuery(db, filter, filtered)];
    },
  );
  const pageAndCount = (filter: MessageFilter, page: PageRequest) => {
    if (filter.q !== undefined) {
      const filtered = matching(filter);
      return [pageQuery(db, filtered, page).compile(), countQuery(db, filter, filtered).compile()];
    }
    const { from, to, sinceKey, untilKey } = filter;
    const { limit, offset, after, order = "asc" } = page;
    return listQueries({ order, skip: offset > 0 }, { from, to, sinceKey, untilKey, limit, offset, afterKey: after?.key, afterId: after?.messageId });
  };

  /**
   * A search's page and total as one statement, where the dialect asks for it: the matching rows'
   * keys are gathered once, then counted and paged, where a page query and a count query would each
   * test every candidate's text. At least one row: the total, with the page's columns null when
   * the page is empty.
   */
  const pageAndCountInOnePass = (filter: MessageFilter, page: PageRequest, upTo?: number): CompiledQuery => {
    const matches = matching(filter)(db.selectFrom("messages")).select(["ts_key", "message_id"]);
    // One past the most it may gather, so that a total above `upTo` says "too many" (listPage).
    const keys = upTo === undefined ? matches : matches.limit(upTo + 1);
    const order = page.order ?? "asc";
    const direction = sql.raw(order);
    const after = page.after
      ? sql`where (ts_key, message_id) ${sql.raw(order === "asc" ? ">" : "<")} (${page.after.key}, ${page.after.messageId})`
      : sql``;
    return sql`with matched as materialized ${keys}
      select counted.total, m.message_id, m.from_msisdn, m.to_msisdn, m.ts, m.text, page.ts_key
      from (select count(*) as total from matched) as counted
      left join (select ts_key, message_id from matched ${after}
                 order by ts_key ${direction}, message_id ${direction} limit ${page.limit} offset ${page.offset}) as page on true
      left join messages as m on m.message_id = page.message_id
      order by page.ts_key ${direction}, page.message_id ${direction}`.compile(db);
  };
  const onePass = (filter: MessageFilter) => filter.q !== undefined && features.searchInOnePass !== undefined;
  /** A page from the reads pageAndCount or pageAndCountInOnePass made. */
  const pageOf = (results: unknown[][]): MessagePage => {
    if (results.length === 2) return { ...batchOf(results[0] as Row[]), total: totalOf(results[1]!) };
    const rows = results[0] as Array<Row & { total: number | string }>;
    return { ...batchOf(rows.filter((row) => row.message_id !== null)), total: totalOf(rows) };
  };

  /** One page and the total, from one snapshot, so they agree. */
  const listPage = async (filter: MessageFilter, page: PageRequest): Promise<MessagePage> => {
    if (features.readTogether) {
      return pageOf(await features.readTogether(onePass(filter) ? [pageAndCountInOnePass(filter, page)] : pageAndCount(filter, page)));
    }
    return db
      .transaction()
      .setIsolationLevel("repeatable read")
      .execute(async (trx) => {
        const read = async (queries: CompiledQuery[]) => {
          const results: unknown[][] = [];
          for (const query of queries) results.push((await trx.executeQuery(query)).rows);
          return results;
        };
        if (!onePass(filter)) return pageOf(await read(pageAndCount(filter, page)));
        const upTo = features.searchInOnePass?.upTo;
        const gathered = await read([pageAndCountInOnePass(filter, page, upTo)]);
        // More matches than one pass may gather: the page and the count apart, in the same snapshot.
        if (upTo !== undefined && totalOf(gathered[0]!) > upTo) return pageOf(await read(pageAndCount(filter, page)));
        return pageOf(gathered);
      });
  };

  // No transaction and no count: each batch of an export stands alone, continuing where the last ended.
  const batchAfter = async (filter: MessageFilter, page: Omit<PageRequest, "offset">): Promise<MessageBatch> =>
    batchOf(await pageQuery(db, matching(filter), page).execute());

  /** A damaged search index is no reason to fail a search: the messages themselves still answer it. */
  const retried =
    <P, R>(read: (filter: MessageFilter, page: P) => Promise<R>) =>
    (filter: MessageFilter, page: P): Promise<R> =>
      read(filter, page).catch((error: unknown) => {
        if (filter.q === undefined || !features.searchAidFailed?.(filter.q)) throw error;
        return read(filter, page);
      });

  // The same reads, compiled here and run where the dialect reads aside (the page and its count in one snapshot there).
  const listAside = (filter: MessageFilter, page: PageRequest, signal?: AbortSignal): Promise<MessagePage> | undefined => {
    if (onePass(filter)) return features.readAside?.([pageAndCountInOnePass(filter, page)], signal)?.then(pageOf);
    const filtered = matching(filter);
    return features.readAside?.([pageQuery(db, filtered, page).compile(), countQuery(db, filter, filtered).compile()], signal)?.then(pageOf);
  };
  const batchAside = (filter: MessageFilter, page: Omit<PageRequest, "offset">, signal?: AbortSignal): Promise<MessageBatch> | undefined =>
    features.readAside?.([pageQuery(db, matching(filter), page).compile()], signal)?.then(([rows]) => batchOf(rows as Row[]));

  /**
   * The dearest reads, where the dialect reads aside (SQLite's background thread), or in turn
   * (PostgreSQL), so that they do not hold up the webhooks: a search, since a needle no index
   * narrows reads every message, and an offset of DEEP_OFFSET or more, whose skipping grows with it.
   * One that waits for its turn there is dropped once no one waits for its answer.
   */
  const readAside =
    <P extends { limit: number; offset?: number }, R>(
      aside: (filter: MessageFilter, page: P, signal?: AbortSignal) => Promise<R> | undefined,
      here: (filter: MessageFilter, page: P) => Promise<R>,
    ) =>
    async (filter: MessageFilter, page: P, waiter?: Waiter): Promise<R> => {
      const dear = filter.q !== undefined || (page.offset ?? 0) >= DEEP_OFFSET;
      if (!dear) return here(filter, page);
      // Only a read that may wait asks for the signal: making one costs the cheap reads some 5 µs.
      const signal = waiter?.signal;
      const answer = aside(filter, page, signal);
      if (answer !== undefined) {
        try {
          return await answer;
        } catch (error) {
          if (isAbandonment(error, signal)) throw error;
          // The background thread could not answer (its copy of the index file replaced, say): this thread can.
        }
      }
      return features.inTurn ? features.inTurn(() => here(filter, page), signal) : here(filter, page);
    };

  return { list: readAside(listAside, retried(listPage)), batch: readAside(batchAside, retried(batchAfter)) };
}
