// Kysely's migrator takes no lock on SQLite (its adapter's is a no-op, made for one connection):
// processes starting together on a fresh file would each create the tables, and all but one fail
// start-up. Holding the file's write lock for the whole run makes them take turns, and undoes a run
// cut short, since SQLite changes its schema inside a transaction like anything else.
import { setTimeout as sleep } from "node:timers/promises";
import type BetterSqlite3 from "better-sqlite3";

export interface MigrationLockOptions {
  /** How long to wait for another process's run before start-up fails. */
  waitMs: number;
  /** Called once, when the lock is found taken. */
  onWait?: () => void;
}

/** Waits between two tries, up to this; short, since a run that finds the schema current takes a few ms. */
const LONGEST_PAUSE_MS = 250;

/** "database is locked", plain or extended (SQLITE_BUSY_RECOVERY while another connection replays the WAL, …). */
export const isBusy = (error: unknown) => String((error as { code?: unknown }).code).startsWith("SQLITE_BUSY");

/** Runs `work` (the migrator, on this same connection) inside one write transaction; commits it if `work` resolves. */
export async function migrateAlone<T>(connection: BetterSqlite3.Database, work: () => Promise<T>, options: MigrationLockOptions): Promise<T> {
  await takeWriteLock(connection, options);
  try {
    const result = await work();
    connection.exec("commit");
    return result;
  } catch (error) {
    if (connection.inTransaction) connection.exec("rollback");
    throw error;
  }
}

/**
 * BEGIN IMMEDIATE without the busy timeout, retried after a pause: waiting inside SQLite would
 * block this thread, and with it a second connection of this same process that holds the lock.
 */
async function takeWriteLock(connection: BetterSqlite3.Database, { waitMs, onWait }: MigrationLockOptions): Promise<void> {
  const deadline = Date.now() + waitMs;
  const busyTimeout = connection.pragma("busy_timeout", { simple: true }) as number;
  for (let pause = 5, waited = false; ; pause = Math.min(pause * 2, LONGEST_PAUSE_MS)) {
    connection.pragma("busy_timeout = 0");
    try {
      connection.exec("begin immediate");
      return;
    } catch (error) {
      if (!isBusy(error)) throw error;
      if (Date.now() >= deadline) {
        const waited = waitMs < 1_000 ? `${waitMs} ms` : `${Math.round(waitMs / 1_000)} s`;
        throw new Error(`another connection held the database file's write lock for ${waited}; gave up waiting to migrate`, { cause: error });
      }
      if (!waited) onWait?.();
      waited = true;
    } finally {
      connection.pragma(`busy_timeout = ${busyTimeout}`);
    }
    await sleep(pause);
  }
}
