// The stats of every stored message, from one snapshot: totals and top senders from the per-sender counts.
import type { Kysely } from "kysely";
import type { MessageStats } from "../../application/ports.js";
import type { Database } from "./tables.js";

export function createStatsQuery(db: Kysely<Database>): (topSenders: number) => Promise<MessageStats> {
  return (topSenders) =>
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
        trx.selectFrom("messages").select("ts").orderBy("ts_key", direction).orderBy("message_id", direction).limit(1).executeTakeFirst();
      const [first, last] = [await edge("asc"), await edge("desc")];
      return {
        total_messages: Number(totals.messages ?? 0),
        unique_senders: Number(totals.senders),
        top_senders: top.map((row) => ({ from: row.from_msisdn, count: Number(row.count) })),
        first_message_ts: first?.ts ?? null,
        last_message_ts: last?.ts ?? null,
      };
    });
}
