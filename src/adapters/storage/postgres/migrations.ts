// PostgreSQL schema history. Frozen: a migration never changes once released, and never imports app code.
import type { Kysely, Migration } from "kysely";
import { sql } from "kysely";

// Keys compare byte-wise ("C") whatever the database's locale: the instant key's order depends on it,
// and message_id ties must break the same way as on SQLite.
const bytewise = sql`collate "C"`;

export const postgresMigrations: Record<string, Migration> = {
  "0001_create_messages": {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("messages")
        .addColumn("message_id", sql`text ${bytewise}`, (col) => col.primaryKey().notNull())
        .addColumn("from_msisdn", sql`text ${bytewise}`, (col) => col.notNull())
        .addColumn("to_msisdn", "text", (col) => col.notNull())
        .addColumn("ts", "text", (col) => col.notNull())
        .addColumn("ts_key", sql`text ${bytewise}`, (col) => col.notNull())
        .addColumn("text", "text")
        .addColumn("created_at", "text", (col) => col.notNull())
        .execute();
      await db.schema.createIndex("messages_ts_key_id").on("messages").columns(["ts_key", "message_id"]).execute();
      await db.schema
        .createIndex("messages_from_ts_key_id")
        .on("messages")
        .columns(["from_msisdn", "ts_key", "message_id"])
        .execute();
    },
  },
};
