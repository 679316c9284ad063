// Reading in arrival order, for the live stream: runs of settled messages after a position, and where the newest stands.
import type { Kysely } from "kysely";
import type { ArrivalFilter, ArrivalRange, MessageRepository } from "../../application/ports.js";
import { ARRIVAL_START, type Arrival } from "../../domain/arrival.js";
import type { Message } from "../../domain/message.js";
import type { DialectFeatures } from "./dialect-features.js";
import type { Database, MessageRow } from "./tables.js";

type Row = Pick<MessageRow, "message_id" | "from_msisdn" | "to_msisdn" | "ts" | "text"> & { arrival_seq: number | string };

const COLUMNS = ["message_id", "from_msisdn", "to_msisdn", "ts", "text"] as const;

const arrivalOf = (r: Row): Arrival<Message> => ({
  message: { message_id: r.message_id, from: r.from_msisdn, to: r.to_msisdn, ts: r.ts, text: r.text },
  position: { seq: String(r.arrival_seq), messageId: r.message_id },
});

export function createMessageArrivals(db: Kysely<Database>, features: DialectFeatures): Pick<MessageRepository, "arrivals" | "arrivalEnd"> {
  const { arrival } = features;

  const query = (filter: ArrivalFilter, range: ArrivalRange) => {
    let q = db
      .selectFrom("messages")
      .select([...COLUMNS, arrival.seq.as("arrival_seq")])
      .where(arrival.after(range.after));
    if (range.upTo !== undefined) q = q.where(arrival.atMost(range.upTo));
    if (arrival.settled !== undefined) q = q.where(arrival.settled);
    if (filter.from !== undefined) q = q.where(arrival.fromEquals(filter.from));
    // Read in arrival order, each row tested as it comes: a search index would hand over every match
    // in the store, where a stream wants the next few after a place.
    if (filter.q !== undefined) q = q.where(features.textContains("text", filter.q, { scan: true }));
    for (const column of arrival.orderBy) q = q.orderBy(column);
    return q.limit(range.limit);
  };

  return {
    async arrivals(filter, range) {
      const narrowed = filter.from !== undefined || filter.q !== undefined;
      // A narrowed read may test many rows to find a few (a quiet sender, a rare needle): where the
      // dialect reads aside (SQLite's background thread), the webhooks this thread serves do not wait for it.
      const aside = narrowed ? features.readAside?.([query(filter, range).compile()]) : undefined;
      if (aside !== undefined) {
        try {
          const [rows] = await aside;
          return (rows as Row[]).map(arrivalOf);
        } catch {
          // The background thread could not answer: this thread can.
        }
      }
      return (await query(filter, range).execute()).map(arrivalOf);
    },

    async arrivalEnd() {
      let q = db.selectFrom("messages").select(["message_id", arrival.seq.as("arrival_seq")]);
      if (arrival.settled !== undefined) q = q.where(arrival.settled);
      for (const column of arrival.orderBy) q = q.orderBy(column, "desc");
      const last = await q.limit(1).executeTakeFirst();
      return last === undefined ? ARRIVAL_START : { seq: String(last.arrival_seq), messageId: last.message_id };
    },
  };
}
