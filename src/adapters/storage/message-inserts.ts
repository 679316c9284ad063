// Storing messages: inserts that arrive together share one multi-row statement, and a repeated id is told created, duplicate or conflict.
import type { Kysely } from "kysely";
import type { InsertOutcome } from "../../application/ports.js";
import type { ReceivedMessage } from "../../domain/message.js";
import { contentHash } from "./content-hash.js";
import type { DialectFeatures } from "./dialect-features.js";
import { groupCommit } from "./group-commit.js";
import type { Database, NewMessageRow } from "./tables.js";

const DUPLICATE: InsertOutcome = Object.freeze({ kind: "duplicate" });
const CREATED: InsertOutcome = Object.freeze({ kind: "created" });

export function createMessageInserts(db: Kysely<Database>, features: DialectFeatures): (message: ReceivedMessage) => Promise<InsertOutcome> {
  /** The stored copies' fingerprints; a row an older release stored without one is hashed from its content. */
  const storedHashes = async (ids: string[]): Promise<Map<string, string>> => {
    if (ids.length === 0) return new Map();
    const rows = await db
      .selectFrom("messages")
      .select(["message_id", "content_hash", "from_msisdn", "to_msisdn", "ts", "text"])
      .where("message_id", "in", ids)
      .execute();
    return new Map(
      rows.map((r) => [r.message_id, r.content_hash ?? contentHash({ from: r.from_msisdn, to: r.to_msisdn, ts: r.ts, text: r.text })]),
    );
  };

  /**
   * Inserts that arrive together commit together, in one statement. The ids it returns are the
   * rows it created; any other row is a repeat, of a stored copy or of an earlier one in the batch.
   */
  const insertInBatch = groupCommit<NewMessageRow & { content_hash: string }, InsertOutcome>(features.maxWriteBatch, async (rows) => {
    const firstOf = new Map<string, NewMessageRow & { content_hash: string }>();
    for (const row of rows) if (!firstOf.has(row.message_id)) firstOf.set(row.message_id, row);
    const created = await db
      .insertInto("messages")
      // In id order: two batches holding ids the other wants would otherwise deadlock (PostgreSQL).
      .values([...firstOf.values()].sort((a, b) => (a.message_id < b.message_id ? -1 : 1)))
      .onConflict((oc) => oc.column("message_id").doNothing())
      .returning("message_id")
      .execute();
    const createdIds = new Set(created.map((row) => row.message_id));
    const stored = await storedHashes([...firstOf.keys()].filter((id) => !createdIds.has(id)));
    return rows.map((row) => {
      if (firstOf.get(row.message_id) === row && createdIds.has(row.message_id)) return CREATED;
      const storedHash = stored.get(row.message_id) ?? firstOf.get(row.message_id)!.content_hash;
      return storedHash === row.content_hash ? DUPLICATE : { kind: "conflict", storedHash, sentHash: row.content_hash };
    });
  });

  return (message) => {
    const { message_id, from, to, ts, text, tsKey } = message;
    return insertInBatch({
      message_id,
      from_msisdn: from,
      to_msisdn: to,
      ts,
      ts_key: tsKey,
      text,
      content_hash: contentHash(message),
      created_at: new Date().toISOString(),
    });
  };
}
