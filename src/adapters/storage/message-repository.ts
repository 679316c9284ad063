// The one Kysely implementation of MessageRepository, for every supported database: its parts, and faults as "unavailable".
import type { Kysely } from "kysely";
import { sql } from "kysely";
import { StorageUnavailableError, type MessageRepository } from "../../application/ports.js";
import { cachedStats } from "./cached-stats.js";
import type { DialectFeatures } from "./dialect-features.js";
import { createMessageInserts } from "./message-inserts.js";
import { createMessageList } from "./message-list.js";
import { createStatsQuery } from "./message-stats.js";
import type { Database } from "./tables.js";

/** Any failure of the store surfaces as StorageUnavailableError, so a caller never mistakes it for a bug of its own. */
const guarded = async <T>(work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    throw new StorageUnavailableError(error);
  }
};

export function createMessageRepository(db: Kysely<Database>, features: DialectFeatures): MessageRepository {
  const insert = createMessageInserts(db, features);
  const list = createMessageList(db, features);
  const stats = cachedStats(createStatsQuery(db), features.changeStamp);
  return {
    insertIfAbsent: (message) => guarded(() => insert(message)),
    list: (filter, page) => guarded(() => list(filter, page)),
    stats: (topSenders) => guarded(() => stats(topSenders)),
    ping: () =>
      guarded(async () => {
        await sql`select 1`.execute(db);
      }),
  };
}
