// The databases every storage and HTTP suite runs against. Each entry makes a fresh, empty database.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { DatabaseLocation } from "../../src/adapters/storage/database.js";

export interface TestDatabase {
  name: string;
  /** A fresh empty database, and how to throw it away. */
  create(): Promise<{ location: DatabaseLocation; drop(): Promise<void> }>;
}

const sqliteFile: TestDatabase = {
  name: "sqlite",
  async create() {
    const dir = mkdtempSync(join(tmpdir(), "lyftr-db-"));
    return {
      location: { kind: "sqlite", path: join(dir, "app.db") },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The URL of a schema of its own on the test server: nothing one run does is seen by another. */
export const schemaUrl = (schema: string) => {
  const url = new URL(POSTGRES_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return url.toString();
};

const postgresSchema: TestDatabase = {
  name: "postgres",
  async create() {
    const schema = `lyftr_test_${randomBytes(6).toString("hex")}`;
    await admin((c) => c.query(`create schema ${schema}`));
    return {
      location: { kind: "postgres", url: schemaUrl(schema), poolSize: 4 },
      drop: () => admin((c) => c.query(`drop schema if exists ${schema} cascade`)).then(() => undefined),
    };
  },
};

export async function postgresSkipReason(): Promise<string | null> {
  try {
    await admin((c) => c.query("select 1"));
    return null;
  } catch (error) {
    return `PostgreSQL at ${new URL(POSTGRES_URL).host} is unreachable (${(error as Error).message})`;
  }
}

const skipPostgres = await postgresSkipReason();
if (skipPostgres && process.env.REQUIRE_POSTGRES) {
  throw new Error(`${skipPostgres}, and REQUIRE_POSTGRES is set`);
}
// vitest.config.ts says it once per run, where it is seen.

export const DATABASES: TestDatabase[] = skipPostgres ? [sqliteFile] : [sqliteFile, postgresSchema];

/** The database kind this vitest project runs its HTTP suites on: LYFTR_TEST_DATABASE, default sqlite. */
export function testDatabase(): TestDatabase {
  const name = process.env.LYFTR_TEST_DATABASE ?? "sqlite";
  const found = DATABASES.find((d) => d.name === name);
  if (!found) throw new Error(`LYFTR_TEST_DATABASE=${name} is not available: ${skipPostgres ?? "unknown name"}`);
  return found;
}
