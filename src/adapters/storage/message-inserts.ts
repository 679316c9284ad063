// Storing messages: inserts that arrive together share one multi-row statement, and a repeated id (stored or purged) is told created, duplicate or conflict.
import type { Kysely } from "kysely";
import type { InsertOutcome } from "../../application/ports.js";
import type { ReceivedMessage } from "../../domain/message.js";
import { contentHash } from "./content-hash.js";
import type { DialectFeatures } from "./dialect-features.js";
import { groupCommit } from "./group-commit.js";
import type { Database, NewMessageRow } from "./tables.js";

const DUPLICATE: InsertOutcome = Object.freeze({ kind: "duplicate" });
const CREATED: InsertOutcome = Object.freeze({ kind: "created" });
const NONE_UNDONE: ReadonlySet<string> = new Set();

type Row = NewMessageRow & { content_hash: string };

/** The fingerprints of the stored or purged copies of these ids; a row an older release stored without one is hashed from its content. */
async function knownHashes(trx: Kysely<Database>, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await trx
    .selectFrom("messages")
    .select(["message_id", "content_hash", "from_msisdn", "to_msisdn", "ts", "text"])
    .where("message_id", "in", ids)
    .execute();
  const known = new Map(
    rows.map((r) => [r.message_id, r.content_hash ?? contentHash({ from: r.from_msisdn, to: r.to_msisdn, ts: r.ts, text: r.text })]),
  );
  const purged = await trx.selectFrom("purged_messages").select(["message_id", "content_hash"]).where("message_id", "in", ids).execute();
  for (const r of purged) if (!known.has(r.message_id)) known.set(r.message_id, r.content_hash);
  return known;
}

/**
 * Takes back, in the inserting transaction, the rows just created whose id a purge left a tombstone
 * of. After the insert, not before: on PostgreSQL an insert that waited for a purge deleting the
 * same id goes ahead once the purge commits, and only a statement begun after that sees its tombstone.
 */
async function undoPurged(trx: Kysely<Database>, created: string[]): Promise<ReadonlySet<string>> {
  if (created.length === 0) return new Set();
  // A lookup by key first: almost always it finds nothing, and then nothing is written.
  const purged = await trx.selectFrom("purged_messages").select("message_id").where("message_id", "in", created).execute();
  if (purged.length === 0) return new Set();
  const ids = purged.map((r) => r.message_id);
  await trx.deleteFrom("messages").where("message_id", "in", ids).execute();
  return new Set(ids);
}

export function createMessageInserts(db: Kysely<Database>, features: DialectFeatures): (message: ReceivedMessage) => Promise<InsertOutcome> {
  /**
   * Inserts that arrive together commit together, in one transaction. The ids it keeps are the
   * rows it created; any other row is a repeat, of a stored or purged copy or of an earlier one in the batch.
   */
  const insertBatch = async (trx: Kysely<Database>, rows: Row[]): Promise<InsertOutcome[]> => {
    const firstOf = new Map<string, Row>();
    for (const row of rows) if (!firstOf.has(row.message_id)) firstOf.set(row.message_id, row);
    const inserted = await trx
      .insertInto("messages")
      // In id order: two batches holding ids the other wants would otherwise deadlock (PostgreSQL).
      .values([...firstOf.values()].sort((a, b) => (a.message_id < b.message_id ? -1 : 1)))
      .onConflict((oc) => oc.column("message_id").doNothing())
      .returning("message_id")
      .execute();
    const undone = features.skipsPurgedIds ? NONE_UNDONE : await undoPurged(trx, inserted.map((row) => row.message_id));
    const createdIds = new Set(inserted.map((row) => row.message_id).filter((id) => !undone.has(id)));
    const known = await knownHashes(trx, [...firstOf.keys()].filter((id) => !createdIds.has(id)));
    return rows.map((row) => {
      if (firstOf.get(row.message_id) === row && createdIds.has(row.message_id)) return CREATED;
      const storedHash = known.get(row.message_id) ?? firstOf.get(row.message_id)!.content_hash;
      return storedHash === row.content_hash ? DUPLICATE : { kind: "conflict", storedHash, sentHash: row.content_hash };
    });
  };
  // Where the database skips a purged id itself, the insert is one statement, atomic on its own.
  const insertInBatch = groupCommit<Row, InsertOutcome>(features.maxWriteBatch, (rows) =>
    features.skipsPurgedIds ? insertBatch(db, rows) : db.transaction().execute((trx) => insertBatch(trx, rows)),
  );

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
