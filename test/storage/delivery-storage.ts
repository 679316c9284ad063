// Fresh databases for the delivery-log suites: opened as the service opens them, or its log over a Kysely the test can watch.
import { ValuesNode, type Kysely, type KyselyPlugin, type QueryResult, type RootOperationNode, type UnknownRow } from "kysely";
import { afterEach, beforeEach } from "vitest";
import { openDatabase, type DatabaseLocation, type Storage } from "../../src/adapters/storage/database.js";
import { createDeliveryLog, type DeliveryLogOptions, type StorageDeliveryLog } from "../../src/adapters/storage/delivery-log.js";
import { openSqlite } from "../../src/adapters/storage/sqlite/dialect.js";
import type { Database } from "../../src/adapters/storage/tables.js";
import type { TestDatabase } from "../support/databases.js";

export interface WatchedLog {
  log: StorageDeliveryLog;
  db: Kysely<Database>;
  /** Rows per insert into deliveries, in order. */
  inserts: number[];
  /** What the log reported through onError. */
  errors: unknown[];
}

/** Counts the rows of each insert into deliveries as it is sent. */
const insertWatcher = (inserts: number[]): KyselyPlugin => ({
  transformQuery({ node }: { node: RootOperationNode }) {
    if (node.kind === "InsertQueryNode" && node.into?.table.identifier.name === "deliveries" && node.values && ValuesNode.is(node.values)) {
      inserts.push(node.values.values.length);
    }
    return node;
  },
  transformResult: async ({ result }: { result: QueryResult<UnknownRow> }) => result,
});

export function useDeliveryStorage(database: TestDatabase) {
  let current: { location: DatabaseLocation; drop(): Promise<void>; cleanups: (() => Promise<void>)[] } | undefined;

  beforeEach(async () => {
    const { location, drop } = await database.create();
    current = { location, drop, cleanups: [] };
  });
  afterEach(async () => {
    const done = current;
    current = undefined;
    if (!done) return;
    for (const cleanup of done.cleanups.reverse()) await cleanup().catch(() => undefined);
    await done.drop();
  });
  const active = () => {
    if (!current) throw new Error("only inside a test");
    return current;
  };

  /** The storage as main.ts opens it, closed after the test unless the test closes it. */
  async function open(deliveryLogMaxRows?: number): Promise<Storage & { errors: unknown[] }> {
    const errors: unknown[] = [];
    const { location } = active();
    // No text indexer: closing is then immediate, so only close() itself can write what is queued.
    const unindexed = location.kind === "sqlite" ? { ...location, indexText: false } : location;
    const storage = await openDatabase(unindexed, { onDeliveryLogError: (e) => errors.push(e) }, { deliveryLogMaxRows });
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      await storage.close();
    };
    active().cleanups.push(close);
    return { ...storage, close, errors };
  }

  /** A migrated database and the log over a Kysely whose inserts are counted. */
  async function watched(options: Omit<DeliveryLogOptions, "onError"> = { maxRows: 10_000 }): Promise<WatchedLog> {
    await (await open()).close();
    const { location } = active();
    const opened =
      location.kind === "sqlite"
        ? openSqlite(location.path)
        : (await import("../../src/adapters/storage/postgres/dialect.js")).openPostgres({ url: location.url, poolSize: 2 });
    const inserts: number[] = [];
    const errors: unknown[] = [];
    const db = opened.db.withPlugin(insertWatcher(inserts));
    const log = createDeliveryLog(db, { ...options, onError: (e) => errors.push(e) });
    active().cleanups.push(async () => {
      await log.close();
      await opened.db.destroy();
    });
    return { log, db, inserts, errors };
  }

  return { open, watched };
}
