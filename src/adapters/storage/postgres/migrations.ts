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
  // Counts per sender, kept by a trigger in the inserting transaction, so stats and unfiltered
  // totals read a few rows instead of scanning every message.
  "0002_sender_counts": {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("sender_counts")
        .addColumn("from_msisdn", sql`text ${bytewise}`, (col) => col.primaryKey().notNull())
        .addColumn("count", "bigint", (col) => col.notNull())
        .execute();
      await sql`create index sender_counts_top on sender_counts (count desc, from_msisdn)`.execute(db);
      await sql`insert into sender_counts (from_msisdn, count)
                select from_msisdn, count(*) from messages group by from_msisdn`.execute(db);
      await sql`create function lyftr_count_sender() returns trigger language plpgsql as $$
                begin
                  insert into sender_counts (from_msisdn, count) values (new.from_msisdn, 1)
                  on conflict (from_msisdn) do update set count = sender_counts.count + 1;
                  return null;
                end $$`.execute(db);
      await sql`create trigger messages_count_sender after insert on messages
                for each row execute function lyftr_count_sender()`.execute(db);
    },
  },
  // A trigram index of the lower-cased text, so a substring search reads candidates, not every row.
  // pg_trgm may be missing or not ours to create: then there is no index and search scans as before.
  "0003_text_trigram_index": {
    async up(db: Kysely<any>) {
      // In public, not in our schema: dropping one schema must not take the extension from the others.
      await sql`do $$ begin
                  create extension if not exists pg_trgm with schema public;
                exception when others then null;
                end $$`.execute(db);
      await sql`do $$ declare home text;
                begin
                  select n.nspname into home from pg_extension e join pg_namespace n on n.oid = e.extnamespace
                   where e.extname = 'pg_trgm';
                  if home is not null then
                    execute format('create index messages_text_trgm on messages using gin (lower(text) %I.gin_trgm_ops)', home);
                  end if;
                end $$`.execute(db);
    },
  },
  // Per-sender counts from one statement-level trigger instead of one per row: an insert of many
  // messages first takes its message ids, then the senders' rows once each, in sender order. Every
  // transaction taking both kinds of lock in one order is what lets batches commit in parallel
  // (from several instances too) without deadlocks. Any insert, old code's single rows included,
  // keeps the counts, so instances of both versions can run side by side during an upgrade.
  "0004_sender_counts_per_statement": {
    async up(db: Kysely<any>) {
      await sql`create function lyftr_count_senders() returns trigger language plpgsql as $$
                begin
                  insert into sender_counts (from_msisdn, count)
                  select from_msisdn, count(*) from inserted group by from_msisdn order by from_msisdn
                  on conflict (from_msisdn) do update set count = sender_counts.count + excluded.count;
                  return null;
                end $$`.execute(db);
      await sql`drop trigger messages_count_sender on messages`.execute(db);
      await sql`create trigger messages_count_senders after insert on messages
                referencing new table as inserted
                for each statement execute function lyftr_count_senders()`.execute(db);
      await sql`drop function lyftr_count_sender()`.execute(db);
    },
  },
  // A fingerprint of each message's content, so a repeated message_id with other content is seen as a
  // conflict: SHA-256 over from, to, ts (each then a NUL) and, when there is text, 0x01 and the text,
  // the bytes the app hashes on insert. Rows an older release inserts later keep a null, hashed on read.
  "0005_content_hash": {
    async up(db: Kysely<any>) {
      await sql`alter table messages add column if not exists content_hash text`.execute(db);
      await sql`update messages set content_hash = encode(sha256(
                  convert_to(from_msisdn, 'UTF8') || '\\x00'::bytea || convert_to(to_msisdn, 'UTF8') || '\\x00'::bytea ||
                  convert_to(ts, 'UTF8') || '\\x00'::bytea || coalesce('\\x01'::bytea || convert_to(text, 'UTF8'), ''::bytea)
                ), 'hex')
                where content_hash is null`.execute(db);
    },
  },
  // The delivery log: webhook attempts that stored nothing, newest first by id.
  "0006_deliveries": {
    async up(db: Kysely<any>) {
      await sql`create table deliveries (
                  id bigint generated always as identity primary key,
                  received_at text ${bytewise} not null,
                  request_id text not null,
                  result text ${bytewise} not null,
                  reason text,
                  message_id text ${bytewise},
                  signature_scheme text not null,
                  body_bytes bigint not null,
                  body_sha256 text,
                  client_address text,
                  user_agent text
                )`.execute(db);
      await sql`create index deliveries_result_id on deliveries (result, id)`.execute(db);
      await sql`create index deliveries_message_id_id on deliveries (message_id, id)`.execute(db);
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
  // oldest rows without reading the others; and a delete keeps the per-sender counts, as an insert
  // does: one statement-level trigger taking the senders' rows in sender order, like 0004's.
  "0012_retention": {
    async up(db: Kysely<any>) {
      await sql`create table purged_messages (
                  message_id text ${bytewise} primary key,
                  content_hash text not null,
                  purged_at text not null
                )`.execute(db);
      await sql`create index messages_created_at on messages (created_at)`.execute(db);
      await sql`create function lyftr_uncount_senders() returns trigger language plpgsql as $$
                begin
                  insert into sender_counts (from_msisdn, count)
                  select from_msisdn, -count(*) from deleted group by from_msisdn order by from_msisdn
                  on conflict (from_msisdn) do update set count = sender_counts.count + excluded.count;
                  delete from sender_counts where count = 0 and from_msisdn in (select from_msisdn from deleted);
                  return null;
                end $$`.execute(db);
      await sql`create trigger messages_uncount_senders after delete on messages
                referencing old table as deleted
                for each statement execute function lyftr_uncount_senders()`.execute(db);
    },
  },
  // Arrival order for the live stream. A sequence number is handed out at insert, not at commit: a
  // transaction holding 10 may commit after 11 is read, and a reader that moved past 11 would never
  // see 10. The inserting transaction's id instead, read only below the oldest transaction still in
  // flight (pg_snapshot_xmin), orders by commit safely: every transaction below it has ended, so no
  // row can appear there later. message_id orders the rows one transaction committed together.
  "0013_arrival_order": {
    async up(db: Kysely<any>) {
      await sql`alter table messages add column arrival_xid xid8 not null default pg_current_xact_id()`.execute(db);
      await sql`create index messages_arrival on messages (arrival_xid, message_id)`.execute(db);
    },
  },
  // A batch's insert in one statement, one round trip, its own transaction: the rows (JSON), in id
  // order, where absent, then back out of those whose id a purge left a tombstone of; answers the ids
  // it kept. Two statements inside: a purge deleting an id the insert waited for commits its
  // tombstone while the insert waits, and only a later statement's snapshot (a volatile function
  // takes one per statement) sees it. Without a tombstone nothing is deleted, and nothing written.
  "0014_insert_messages_function": {
    async up(db: Kysely<any>) {
      await sql`create function lyftr_insert_messages(batch jsonb) returns setof text language plpgsql volatile as $$
                declare
                  inserted text[];
                  purged text[];
                begin
                  with added as (
                    insert into messages (message_id, from_msisdn, to_msisdn, ts, ts_key, text, content_hash, created_at)
                    select r.message_id, r.from_msisdn, r.to_msisdn, r.ts, r.ts_key, r.text, r.content_hash, r.created_at
                      from jsonb_to_recordset(batch) as r(message_id text, from_msisdn text, to_msisdn text, ts text,
                                                          ts_key text, text text, content_hash text, created_at text)
                     order by r.message_id collate "C"
                    on conflict (message_id) do nothing
                    returning message_id)
                  select coalesce(array_agg(message_id), '{}') into inserted from added;
                  select coalesce(array_agg(message_id), '{}') into purged from purged_messages where message_id = any(inserted);
                  if cardinality(purged) > 0 then
                    delete from messages where message_id = any(purged);
                  end if;
                  return query select id from unnest(inserted) as id where not (id = any(purged));
                end $$`.execute(db);
    },
  },
};
