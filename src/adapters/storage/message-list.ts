// Listing messages: the filters, keyset positions, and a total that agrees with the page.
import type { Kysely, SelectQueryBuilder } from "kysely";
import type { MessageFilter, MessagePage, PageRequest } from "../../application/ports.js";
import type { ListPosition } from "../../domain/message.js";
import type { DialectFeatures } from "./dialect-features.js";
import type { Database } from "./tables.js";

type Query<O> = SelectQueryBuilder<Database, "messages", O>;

export function createMessageList(db: Kysely<Database>, features: DialectFeatures): (filter: MessageFilter, page: PageRequest) => Promise<MessagePage> {
  /**
   * The filter as a function that narrows a query. Built once per list: the page and the count
   * share it, and the text condition may cost queries of its own to work out (SQLite's trigram probes).
   */
  const matching = (filter: MessageFilter) => {
    const text = filter.q === undefined ? undefined : features.textContains("text", filter.q);
    return <O>(query: Query<O>) => {
      let q = query;
      if (filter.from !== undefined) q = q.where("from_msisdn", "=", filter.from);
      if (filter.sinceKey !== undefined) q = q.where("ts_key", ">=", filter.sinceKey);
      if (text !== undefined) q = q.where(text);
      return q;
    };
  };

  /** Rows strictly after a position in the list order; the (ts_key, message_id) index serves it. */
  const after = <O>(query: Query<O>, position: ListPosition | undefined) =>
    position === undefined
      ? query
      : query.where((eb) => eb(eb.refTuple("ts_key", "message_id"), ">", eb.tuple(position.key, position.messageId)));

  /**
   * How many messages match. Without a time or text filter the per-sender counts answer in a
   * row or two; otherwise the matching rows are counted.
   */
  const countMatching = async (trx: Kysely<Database>, filter: MessageFilter, filtered: ReturnType<typeof matching>): Promise<number> => {
    if (filter.sinceKey === undefined && filter.q === undefined) {
      let counts = trx.selectFrom("sender_counts");
      if (filter.from !== undefined) counts = counts.where("from_msisdn", "=", filter.from);
      const { total } = await counts.select((eb) => eb.fn.sum<number | string | null>("count").as("total")).executeTakeFirstOrThrow();
      return Number(total ?? 0);
    }
    const { total } = await filtered(trx.selectFrom("messages")).select((eb) => eb.fn.countAll().as("total")).executeTakeFirstOrThrow();
    return Number(total);
  };

  /** The page's rows, in list order. */
  const pageQuery = (source: Kysely<Database>, filtered: ReturnType<typeof matching>, page: PageRequest) =>
    after(filtered(source.selectFrom("messages")), page.after)
      .select(["message_id", "from_msisdn", "to_msisdn", "ts", "text", "ts_key"])
      .orderBy("ts_key")
      .orderBy("message_id")
      .limit(page.limit)
      .offset(page.offset);
  type Row = Awaited<ReturnType<ReturnType<typeof pageQuery>["execute"]>>[number];

  const toPage = (rows: Row[], total: number): MessagePage => {
    const end = rows.at(-1);
    return {
      data: rows.map((r) => ({ message_id: r.message_id, from: r.from_msisdn, to: r.to_msisdn, ts: r.ts, text: r.text })),
      total,
      // The stored key, not one worked out again from ts.
      last: end ? { key: end.ts_key, messageId: end.message_id } : null,
    };
  };

  /** One page and the total, from one snapshot, so they agree. */
  const listPage = (filter: MessageFilter, page: PageRequest): Promise<MessagePage> =>
    db.transaction().setIsolationLevel("repeatable read").execute(async (trx) => {
      const filtered = matching(filter);
      const rows = await pageQuery(trx, filtered, page).execute();
      return toPage(rows, await countMatching(trx, filter, filtered));
    });

  const listHere = (filter: MessageFilter, page: PageRequest): Promise<MessagePage> =>
    listPage(filter, page).catch((error: unknown) => {
      // A damaged search index is no reason to fail a search: the messages themselves still answer it.
      if (filter.q === undefined || !features.searchAidFailed?.(filter.q)) throw error;
      return listPage(filter, page);
    });

  /**
   * A search, where the dialect reads aside (SQLite's search thread): a needle no index narrows
   * reads every message, and that must not hold up the webhooks this thread serves.
   */
  const searchAside = (filter: MessageFilter, page: PageRequest): Promise<MessagePage> | undefined => {
    const filtered = matching(filter);
    const count = filtered(db.selectFrom("messages")).select((eb) => eb.fn.countAll().as("total"));
    return features
      .readAside?.([pageQuery(db, filtered, page).compile(), count.compile()])
      ?.then(([rows, counts]) => toPage(rows as Row[], Number((counts as Array<{ total: number }>)[0]!.total)));
  };

  return async (filter, page) => {
    const aside = filter.q === undefined ? undefined : searchAside(filter, page);
    if (aside !== undefined) {
      try {
        return await aside;
      } catch {
        // The search thread could not answer (its copy of the index file replaced, say): this thread can.
      }
    }
    return listHere(filter, page);
  };
}
