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

type Row = NewMessageRow & { content_hash: string };

/** The fingerprints of the stored or purged copies of these ids; a row an older release stored without one is hashed from its content. */
async function knownHashes(db: Kysely<Database>, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom("messages")
    .select(["message_id", "content_hash", "from_msisdn", "to_msisdn", "ts", "text"])
    .where("message_id", "in", ids)
    .execute();
  const known = new Map(
    rows.map((r) => [r.message_id, r.content_hash ?? contentHash({ from: r.from_msisdn, to: r.to_msisdn, ts: r.ts, text: r.text })]),
  );
  // Tombstones only for the ids no stored copy answered: a stored copy's fingerprint wins anyway.
  const unanswered = ids.filter((id) => !known.has(id));
  if (unanswered.length === 0) return known;
  const purged = await db.selectFrom("purged_messages").select(["message_id", "content_hash"]).where("message_id", "in", unanswered).execute();
  for (const r of purged) known.set(r.message_id, r.content_hash);
  return known;
}

/**
 * Inserts the rows where absent (and never purged): the ids it created. One statement either way,
 * atomic on its own: the dialect's own, or an insert a trigger keeps purged ids out of (SQLite).
 */
async function insertWhereAbsent(db: Kysely<Database>, rows: Row[], features: DialectFeatures): Promise<string[]> {
  if (features.insertNew) return features.insertNew(db, rows);
  const inserted = await db
    .insertInto("messages")
    .values(rows)
    .onConflict((oc) => oc.column("message_id").doNothing())
    .returning("message_id")
    .execute();
  return inserted.map((row) => row.message_id);
}

export function createMessageInserts(db: Kysely<Database>, features: DialectFeatures): (message: ReceivedMessage) => Promise<InsertOutcome> {
  /**
   * Inserts that arrive together commit together, in one statement. The ids it keeps are the
   * rows it created; any other row is a repeat, of a stored or purged copy or of an earlier one in the batch.
   */
  const insertBatch = async (rows: Row[]): Promise<InsertOutcome[]> => {
    const firstOf = new Map<string, Row>();
    for (const row of rows) if (!firstOf.has(row.message_id)) firstOf.set(row.message_id, row);
    // In id order, the order in which rows committed together arrive on either database: SQLite numbers
    // them as given, and PostgreSQL's insert function sorts them so (its lock order, against deadlocks).
    const createdIds = new Set(await insertWhereAbsent(db, [...firstOf.values()].sort((a, b) => (a.message_id < b.message_id ? -1 : 1)), features));
    const known = await knownHashes(db, [...firstOf.keys()].filter((id) => !createdIds.has(id)));
    return rows.map((row) => {
      if (firstOf.get(row.message_id) === row && createdIds.has(row.message_id)) return CREATED;
      const storedHash = known.get(row.message_id) ?? firstOf.get(row.message_id)!.content_hash;
      return storedHash === row.content_hash ? DUPLICATE : { kind: "conflict", storedHash, sentHash: row.content_hash };
    });
  };
  // The insert commits on its own; the lookups after it read committed rows, stored or purged alike.
  const insertInBatch = groupCommit<Row, InsertOutcome>(features.maxWriteBatch, insertBatch, features.writesHeld);

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
