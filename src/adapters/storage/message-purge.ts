// Retention: the oldest messages received before a cutoff are deleted a batch at a time, each leaving its id and fingerprint behind.
import type { Kysely } from "kysely";
import { contentHash } from "./content-hash.js";
import type { DialectFeatures } from "./dialect-features.js";
import type { Database } from "./tables.js";

/**
 * Deletes at most `maxRows` messages received before `receivedBefore` (ISO-8601 UTC), oldest first,
 * in one transaction that also records their tombstones; the delete triggers lower the per-sender
 * counts in it too, so totals never count a message that is gone. Answers how many it deleted.
 */
export function createMessagePurge(db: Kysely<Database>, features: DialectFeatures): (receivedBefore: string, maxRows: number) => Promise<number> {
  return (receivedBefore, maxRows) =>
    db.transaction().execute(async (trx) => {
      let oldest = trx
        .selectFrom("messages")
        .select(["message_id", "content_hash", "from_msisdn", "to_msisdn", "ts", "text"])
        .where("created_at", "<", receivedBefore);
      if (features.purgeable) oldest = oldest.where(features.purgeable);
      const rows = await oldest.orderBy("created_at").limit(maxRows).execute();
      if (rows.length === 0) return 0;
      const purgedAt = new Date().toISOString();
      const tombstones = rows
        .map((r) => ({
          message_id: r.message_id,
          content_hash: r.content_hash ?? contentHash({ from: r.from_msisdn, to: r.to_msisdn, ts: r.ts, text: r.text }),
          purged_at: purgedAt,
        }))
        // In id order, as inserts take ids: two purges of one database (two instances) then take turns, never deadlock.
        .sort((a, b) => (a.message_id < b.message_id ? -1 : 1));
      await trx
        .insertInto("purged_messages")
        .values(tombstones)
        .onConflict((oc) => oc.column("message_id").doNothing())
        .execute();
      const deleted = await trx
        .deleteFrom("messages")
        .where("message_id", "in", tombstones.map((t) => t.message_id))
        .executeTakeFirst();
      return Number(deleted.numDeletedRows);
    });
}
