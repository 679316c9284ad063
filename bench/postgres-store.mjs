// Bench databases as fresh PostgreSQL schemas (search_path in the URL): dist's migrations, bulk unnest inserts, dropped after.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { message } from "./dataset.mjs";

const dist = (path) => new URL(`../dist/${path}`, import.meta.url).href;
const COLUMNS = ["message_id", "from_msisdn", "to_msisdn", "ts", "ts_key", "text", "created_at"];
const BATCH = 10_000;

async function withClient(url, work) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function postgresStore(adminUrl) {
  const live = new Set();
  const schemaUrl = (schema) => {
    const url = new URL(adminUrl);
    url.searchParams.set("options", `-c search_path=${schema}`);
    return url.toString();
  };
  const drop = (schema) =>
    withClient(adminUrl, (c) => c.query(`drop schema if exists ${schema} cascade`)).then(() => live.delete(schema));

  return {
    kind: "postgres",
    async fresh(name, { migrate = false } = {}) {
      const schema = `lyftr_bench_${randomBytes(4).toString("hex")}_${name.replace(/[^a-z0-9]/gi, "_").toLowerCase()}`;
      await withClient(adminUrl, (c) => c.query(`create schema ${schema}`));
      live.add(schema);
      const url = schemaUrl(schema);
      if (migrate) {
        const { openDatabase } = await import(dist("adapters/storage/database.js"));
        await (await openDatabase({ kind: "postgres", url, poolSize: 1 })).close();
      }
      return {
        env: { DATABASE_URL: url },
        schema,
        async seed(from, to) {
          const { timestampKey } = await import(dist("domain/message.js"));
          await withClient(url, async (c) => {
            const { rows: unknown } = await c.query(
              `select column_name from information_schema.columns where table_schema = $1 and table_name = 'messages'
                 and is_nullable = 'NO' and column_default is null and not (column_name = any($2))`,
              [schema, COLUMNS],
            );
            if (unknown.length > 0) {
              throw new Error(`messages has new required columns (${unknown.map((r) => r.column_name)}); teach bench/postgres-store.mjs to fill them`);
            }
            const insert = `insert into messages (${COLUMNS.join(", ")})
              select * from unnest(${COLUMNS.map((_, k) => `$${k + 1}::text[]`).join(", ")})`;
            for (let a = from; a < to; a += BATCH) {
              const columns = COLUMNS.map(() => []);
              for (let i = a; i < Math.min(to, a + BATCH); i++) {
                const m = message(i);
                [m.message_id, m.from, m.to, m.ts, timestampKey(m.ts), m.text, m.created_at].forEach((v, k) => columns[k].push(v));
              }
              await c.query(insert, columns);
            }
            // Autovacuum would vacuum and analyze eventually (its insert threshold, PostgreSQL 13+); doing it now
            // keeps plans, and index-only scans over the visibility map, from depending on its timing, or on
            // whether it runs at all (the CI machines' server has it off).
            await c.query("vacuum analyze messages");
          });
        },
        async ids() {
          return withClient(url, async (c) => new Set((await c.query("select message_id from messages")).rows.map((r) => r.message_id)));
        },
        drop: () => drop(schema),
      };
    },
    /** Drops every schema this run created and has not dropped yet (errors, Ctrl-C). */
    cleanup: () => Promise.allSettled([...live].map(drop)),
  };
}
