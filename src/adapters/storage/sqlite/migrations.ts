// SQLite schema history. Frozen: a migration never changes once released, and never imports app code.
import { sql, type Kysely, type Migration } from "kysely";

export const sqliteMigrations: Record<string, Migration> = {
  "0001_create_messages": {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("messages")
        .addColumn("message_id", "text", (col) => col.primaryKey().notNull())
        .addColumn("from_msisdn", "text", (col) => col.notNull())
        .addColumn("to_msisdn", "text", (col) => col.notNull())
        .addColumn("ts", "text", (col) => col.notNull())
        .addColumn("ts_key", "text", (col) => col.notNull())
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
  // Counts per sender, kept by a trigger in the inserting transaction, so stats and unfiltered
  // totals read a few rows instead of scanning every message.
  "0002_sender_counts": {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("sender_counts")
        .addColumn("from_msisdn", "text", (col) => col.primaryKey().notNull())
        .addColumn("count", "integer", (col) => col.notNull())
        .execute();
      await sql`create index sender_counts_top on sender_counts (count desc, from_msisdn)`.execute(db);
      await sql`insert into sender_counts (from_msisdn, count)
                select from_msisdn, count(*) from messages group by from_msisdn`.execute(db);
      await sql`create trigger messages_count_sender after insert on messages begin
                  insert into sender_counts (from_msisdn, count) values (new.from_msisdn, 1)
                  on conflict (from_msisdn) do update set count = count + 1;
                end`.execute(db);
    },
  },
  // A trigram index of the text, so a substring search reads the candidate rows instead of all of them.
  "0003_text_trigram_index": {
    async up(db: Kysely<any>) {
      await sql`create virtual table messages_fts using fts5(
                  text, content = 'messages', content_rowid = 'rowid', tokenize = 'trigram')`.execute(db);
      await sql`insert into messages_fts (messages_fts) values ('rebuild')`.execute(db);
      await sql`create trigger messages_index_text after insert on messages when new.text is not null begin
                  insert into messages_fts (rowid, text) values (new.rowid, new.text);
                end`.execute(db);
    },
  },
  // The trigram index leaves the inserting transaction for a file of its own, kept by a worker thread
  // (sqlite/text-index.js). The database gets an identity, so that file can tell whose rows it indexed.
  // Idempotent: releases before 2026-12-03 ran migrations outside a transaction, so an interrupted one runs again whole.
  "0004_text_index_moves_out": {
    async up(db: Kysely<any>) {
      await sql`drop trigger if exists messages_index_text`.execute(db);
      await sql`drop table if exists messages_fts`.execute(db);
      await sql`create table if not exists database_identity (database_id text not null)`.execute(db);
      await sql`insert into database_identity (database_id)
                select lower(hex(randomblob(16))) where not exists (select 1 from database_identity)`.execute(db);
    },
  },
  // A fingerprint of each message's content, so a repeated message_id with other content is seen as a
  // conflict. lyftr_content_hash is registered on every connection (sqlite/dialect.ts) and hashes the
  // bytes the app hashes on insert. Idempotent, like 0004.
  "0005_content_hash": {
    async up(db: Kysely<any>) {
      const { rows } = await sql<{ present: number }>`select count(*) as present from pragma_table_info('messages')
                                                      where name = 'content_hash'`.execute(db);
      if (!rows[0]?.present) await sql`alter table messages add column content_hash text`.execute(db);
      await sql`update messages set content_hash = lyftr_content_hash(from_msisdn, to_msisdn, ts, text)
                where content_hash is null`.execute(db);
    },
  },
  // The delivery log: webhook attempts that stored nothing. AUTOINCREMENT, so an id is never
  // handed out twice, even once the oldest entries are trimmed: ids are keyset cursors.
  "0006_deliveries": {
    async up(db: Kysely<any>) {
      await sql`create table if not exists deliveries (
                  id integer primary key autoincrement,
                  received_at text not null,
                  request_id text not null,
                  result text not null,
                  reason text,
                  message_id text,
                  signature_scheme text not null,
                  body_bytes integer not null,
                  body_sha256 text,
                  client_address text,
                  user_agent text
                )`.execute(db);
      await sql`create index if not exists deliveries_result_id on deliveries (result, id)`.execute(db);
      await sql`create index if not exists deliveries_message_id_id on deliveries (message_id, id)`.execute(db);
    },
  },
  // One row that readiness rewrites to learn whether writes work again after one failed (a full disk
  // answers reads, so a read cannot tell).
  "0010_write_probe": {
    async up(db: Kysely<any>) {
      await sql`create table if not exists write_probe (id integer primary key, probed_at text not null)`.execute(db);
    },
  },
  // The recipient filter, in list order: `to` alone or with a time range or cursor reads one range of this
  // index, either way round. Newest-first lists and `until` need none of their own: B-tree indexes read backwards.
  "0011_list_indexes": {
    async up(db: Kysely<any>) {
      await sql`create index if not exists messages_to_ts_key_id on messages (to_msisdn, ts_key, message_id)`.execute(db);
    },
  },
  // Retention (RETENTION_DAYS): purged messages leave their id and fingerprint behind, so a late
  // retry is still a duplicate; created_at (the receipt time) gets an index so a purge finds the
  // oldest rows without reading the others; and a delete keeps the per-sender counts, as an insert does.
  // Idempotent, like 0004.
  "0012_retention": {
    async up(db: Kysely<any>) {
      await sql`create table if not exists purged_messages (
                  message_id text primary key not null,
                  content_hash text not null,
                  purged_at text not null
                ) without rowid`.execute(db);
      await sql`create index if not exists messages_created_at on messages (created_at)`.execute(db);
      // A purged id stays a repeat: its insert is skipped inside the statement (RETURNING leaves it
      // out), so no other release or process on this file can store it again.
      await sql`create trigger if not exists messages_skip_purged before insert on messages
                when exists (select 1 from purged_messages where message_id = new.message_id)
                begin select raise(ignore); end`.execute(db);
      await sql`create trigger if not exists messages_uncount_sender after delete on messages begin
                  update sender_counts set count = count - 1 where from_msisdn = old.from_msisdn;
                  delete from sender_counts where from_msisdn = old.from_msisdn and count = 0;
                end`.execute(db);
    },
  },
  // A sender's page from the index alone: its entries hold every column a page shows, so fifty rows
  // are one run of adjacent index pages instead of fifty reads scattered over the file. At 1M
  // messages a `from` page took 0.29-0.38 ms of CPU instead of 0.74, and 2.2-2.7x the pages a second
  // were served; the file grows by some 35% (each message's from, to, ts and text are stored twice).
  // It replaces 0001's index of the same leading columns, so an insert still updates one index for
  // the sender. Building it on an existing file takes some 3 s per million messages.
  "0013_from_page_index": {
    async up(db: Kysely<any>) {
      await sql`create index if not exists messages_from_page on messages (from_msisdn, ts_key, message_id, to_msisdn, ts, text)`.execute(db);
      await sql`drop index if exists messages_from_ts_key_id`.execute(db);
    },
  },
};
