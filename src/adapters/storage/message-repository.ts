// The one Kysely implementation of MessageRepository, for every supported database: its parts, and faults as "unavailable".
import type { Kysely } from "kysely";
import { sql } from "kysely";
import { StorageUnavailableError, type MessageRepository, type Waiter } from "../../application/ports.js";
import { cachedStats } from "./cached-stats.js";
import type { DialectFeatures } from "./dialect-features.js";
import { createMessageArrivals } from "./message-arrivals.js";
import { createMessageInserts } from "./message-inserts.js";
import { createMessageList, isAbandonment } from "./message-list.js";
import { createMessagePurge } from "./message-purge.js";
import { createStatsQuery } from "./message-stats.js";
import type { Database } from "./tables.js";

/**
 * Any failure of the store surfaces as StorageUnavailableError, so a caller never mistakes it for a
 * bug of its own; but a read dropped because no one waits for it rejects with the waiter's own reason.
 */
const guarded = async <T>(work: () => Promise<T>, waiter?: Waiter): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    if (waiter !== undefined && isAbandonment(error, waiter.signal)) throw error;
    throw new StorageUnavailableError(error);
  }
};

export function createMessageRepository(db: Kysely<Database>, features: DialectFeatures): MessageRepository {
  const insert = createMessageInserts(db, features);
  // Set by a failed insert, cleared by any write that succeeds: readiness asks it.
  let writesFailing = false;
  const tracked = async <T>(write: () => Promise<T>): Promise<T> => {
    try {
      const done = await write();
      writesFailing = false;
      return done;
    } catch (error) {
      writesFailing = true;
      throw error;
    }
  };
  const list = createMessageList(db, features);
  const purge = createMessagePurge(db, features);
  const stats = cachedStats(createStatsQuery(db), features.changeStamp);
  const arrivals = createMessageArrivals(db, features);
  return {
    insertIfAbsent: (message) => guarded(() => tracked(() => insert(message))),
    list: (filter, page, waiter) => guarded(() => list.list(filter, page, waiter), waiter),
    batch: (filter, page, waiter) => guarded(() => list.batch(filter, page, waiter), waiter),
    stats: (topSenders) => guarded(() => stats(topSenders)),
    arrivals: (filter, range) => guarded(() => arrivals.arrivals(filter, range)),
    arrivalEnd: () => guarded(() => arrivals.arrivalEnd()),
    purgeReceivedBefore: (receivedBefore, maxRows) => guarded(() => purge(receivedBefore.toISOString(), maxRows)),
    ping: () =>
      guarded(async () => {
        await sql`select 1`.execute(db);
      }),
    writable: () =>
      guarded(async () => {
        if (!writesFailing) return;
        // One row, rewritten: a write like any other, minus a message.
        await tracked(() =>
          db
            .insertInto("write_probe")
            .values({ id: 1, probed_at: new Date().toISOString() })
            .onConflict((oc) => oc.column("id").doUpdateSet({ probed_at: (eb) => eb.ref("excluded.probed_at") }))
            .execute(),
        );
      }),
  };
}
