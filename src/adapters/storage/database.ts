// Opens the database a URL names, brings its schema up to date, and hands back the repository and the delivery log.
import { setTimeout as sleep } from "node:timers/promises";
import { Migrator } from "kysely";
import { StorageUnavailableError, type DeliveryLog, type MessageRepository } from "../../application/ports.js";
import { DEFAULT_DELIVERY_LOG_MAX_ROWS, DEFAULT_POOL_SIZE } from "./database-url.js";
import { createDeliveryLog } from "./delivery-log.js";
import type { OpenedDatabase } from "./dialect-features.js";
import { createMessageRepository } from "./message-repository.js";
import { openSqlite } from "./sqlite/dialect.js";

export type DatabaseLocation =
  /**
   * `indexText: false` (tests only) runs no indexer: searches read the rows the index lacks. A
   * damaged index is still replaced. `searchThreads`: background threads reading searches (1);
   * `searchCacheMb`: each one's page cache (4). `walRestartPages`: see SqliteOptions.
   */
  | { kind: "sqlite"; path: string; indexText?: boolean; searchThreads?: number; searchCacheMb?: number; walRestartPages?: number }
  /** `searchThreads`: searches and deep pages running at once, the others waiting their turn (1). */
  | { kind: "postgres"; url: string; poolSize?: number; searchThreads?: number };

export interface Storage {
  messages: MessageRepository;
  /** `droppedCount`: entries never written (queue full, batch failed), for a metric. */
  deliveries: DeliveryLog & { droppedCount(): number };
  /** Writes the delivery log's queue, then closes. */
  close(): Promise<void>;
}

export interface StorageEvents {
  /** A pooled connection the server dropped while idle; it is replaced on next use. */
  onIdleError?: (error: Error) => void;
  /** The schema could not be brought up to date yet; another attempt follows after `retryInMs`. */
  onMigrationRetry?: (error: unknown, retryInMs: number) => void;
  /** Another process has the SQLite file first (migrating it, most likely); this one waits its turn. */
  onMigrationWait?: () => void;
  /**
   * SQLite's text indexer failed a step and tries again shortly, or there is no text index until
   * restart (its file could not be had), or the background thread could not answer a search (the
   * serving thread did). Searches stay exact meanwhile, only slower.
   */
  onTextIndexError?: (error: Error) => void;
  /**
   * SQLite's text index file was found damaged (at start-up or while serving) and moved to `setAside`
   * (null: nothing was moved); a fresh one is built in the background. Searches stay exact meanwhile.
   */
  onTextIndexDamaged?: (error: Error, setAside: string | null) => void;
  /** A batch of the delivery log could not be written; its entries are dropped. Requests never see it. */
  onDeliveryLogError?: (error: unknown) => void;
}

export interface StorageOptions {
  /** DELIVERY_LOG_MAX_ROWS: the newest entries the delivery log keeps; 0 turns it off. */
  deliveryLogMaxRows?: number;
}

export { DEFAULT_DELIVERY_LOG_MAX_ROWS, DEFAULT_POOL_SIZE };
const MIGRATION_RETRY_MS = 2_000;
/**
 * Kysely's migrator introspects every table of every schema before it takes its lock; a schema
 * dropped meanwhile by someone else fails that read. Such a race passes at once, so try again
 * quickly before settling into the slow retry meant for an absent server.
 */
const QUICK_RETRIES_MS = [50, 200, 500];

async function migrateWithQuickRetries(opened: OpenedDatabase): Promise<void> {
  for (const pause of QUICK_RETRIES_MS) {
    try {
      return await migrate(opened);
    } catch {
      await sleep(pause);
    }
  }
  return migrate(opened);
}

/**
 * Applies pending migrations. Processes starting together take turns: on PostgreSQL the migrator
 * holds an advisory lock, on SQLite the dialect holds the file's write lock around it.
 */
async function migrate({ db, migrations, migrationSchema, migrateAlone }: OpenedDatabase, onWait?: () => void): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: await migrationSchema?.(),
  });
  const run = async () => {
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === "Error")?.migrationName;
      throw new Error(failed ? `database migration ${failed} failed` : "database migration failed", { cause: error });
    }
  };
  return migrateAlone ? migrateAlone(run, onWait) : run();
}

/** A repository that answers "unavailable" until the schema is known to be current. */
function gated(repository: MessageRepository, isReady: () => boolean): MessageRepository {
  const check = () => {
    if (!isReady()) throw new StorageUnavailableError(new Error("database schema not migrated yet"));
  };
  return {
    insertIfAbsent: async (message) => (check(), repository.insertIfAbsent(message)),
    list: async (filter, page, waiter) => (check(), repository.list(filter, page, waiter)),
    batch: async (filter, page, waiter) => (check(), repository.batch(filter, page, waiter)),
    stats: async (top) => (check(), repository.stats(top)),
    arrivals: async (filter, range) => (check(), repository.arrivals(filter, range)),
    arrivalEnd: async () => (check(), repository.arrivalEnd()),
    ping: async () => (check(), repository.ping()),
    writable: async () => (check(), repository.writable()),
    purgeReceivedBefore: async (before, maxRows) => (check(), repository.purgeReceivedBefore(before, maxRows)),
  };
}

export async function openDatabase(
  location: DatabaseLocation,
  events: StorageEvents = {},
  options: StorageOptions = {},
): Promise<Storage> {
  const deliveryLog = (db: OpenedDatabase["db"], writable?: () => boolean) =>
    createDeliveryLog(db, {
      maxRows: options.deliveryLogMaxRows ?? DEFAULT_DELIVERY_LOG_MAX_ROWS,
      onError: events.onDeliveryLogError,
      writable,
    });
  if (location.kind === "sqlite") {
    // A local file that cannot be opened or migrated will not heal by waiting: fail start-up. Its
    // search index is another matter: indexText never fails for it.
    const { searchThreads, searchCacheMb, walRestartPages } = location;
    const opened = openSqlite(location.path, { searchThreads, searchCacheMb, walRestartPages });
    const indexer = await migrate(opened, events.onMigrationWait)
      .then(() =>
        opened.indexText({
          inBackground: location.indexText ?? true,
          onError: events.onTextIndexError ?? (() => undefined),
          onDamaged: events.onTextIndexDamaged ?? (() => undefined),
        }),
      )
      .catch(async (error) => {
        await opened.db.destroy();
        throw error;
      });
    const deliveries = deliveryLog(opened.db);
    return {
      messages: createMessageRepository(opened.db, opened.features),
      deliveries,
      close: async () => {
        await deliveries.close();
        await indexer.stop();
        await opened.db.destroy();
      },
    };
  }

  // A database server may be away at start-up: serve 503s and keep trying rather than exit.
  // Loaded only when asked for: pg adds some 7 MB to a process that serves SQLite.
  const { openPostgres } = await import("./postgres/dialect.js");
  const opened = openPostgres({
    url: location.url,
    poolSize: location.poolSize ?? DEFAULT_POOL_SIZE,
    searchThreads: location.searchThreads,
    onIdleError: events.onIdleError,
  });
  let migrated = false;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const attempt = async (): Promise<void> => {
    try {
      await migrateWithQuickRetries(opened);
      migrated = true;
    } catch (error) {
      if (closed) return;
      events.onMigrationRetry?.(error, MIGRATION_RETRY_MS);
      retry = setTimeout(() => void attempt(), MIGRATION_RETRY_MS);
    }
  };
  await attempt();
  // Until the schema is current, entries wait in the log's queue and reads answer "unavailable".
  const deliveries = deliveryLog(opened.db, () => migrated);
  return {
    messages: gated(createMessageRepository(opened.db, opened.features), () => migrated),
    deliveries: {
      ...deliveries,
      list: async (filter, page) => {
        if (!migrated) throw new StorageUnavailableError(new Error("database schema not migrated yet"));
        return deliveries.list(filter, page);
      },
    },
    close: async () => {
      closed = true;
      clearTimeout(retry);
      await deliveries.close();
      await opened.db.destroy();
    },
  };
}
