// Opens the database a URL names, brings its schema up to date, and hands back the repository.
import { Migrator, type Kysely, type Migration } from "kysely";
import type { MessageRepository } from "../../application/ports.js";
import { createMessageRepository } from "./message-repository.js";
import { openSqlite } from "./sqlite/dialect.js";
import { sqliteMigrations } from "./sqlite/migrations.js";
import type { Database } from "./tables.js";

export type DatabaseLocation = { kind: "sqlite"; path: string } | { kind: "postgres"; url: string };

export interface Storage {
  messages: MessageRepository;
  close(): Promise<void>;
}

async function migrate(db: Kysely<Database>, migrations: Record<string, Migration>): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`database migration ${failed} failed`, { cause: error });
  }
}

export async function openDatabase(location: DatabaseLocation): Promise<Storage> {
  if (location.kind === "postgres") {
    throw new Error("PostgreSQL is not supported by this build yet; use a sqlite: DATABASE_URL");
  }
  const { db, features } = openSqlite(location.path);
  try {
    await migrate(db, sqliteMigrations);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { messages: createMessageRepository(db, features), close: () => db.destroy() };
}
