// The delivery log's writes on every database: batches off the caller's turn, the row bound, the queue bound, failures, close.
import { describe, expect, it, vi } from "vitest";
import { BATCH_ROWS, MAX_PENDING } from "../../src/adapters/storage/delivery-log.js";
import { DATABASES } from "../support/databases.js";
import { aDelivery } from "../support/deliveries.js";
import { useDeliveryStorage } from "./delivery-storage.js";

const everything = { limit: 100_000 };

describe.each(DATABASES)("delivery log writes on $name", (database) => {
  const fresh = useDeliveryStorage(database);

  it("writes nothing during the caller's turn, then entries recorded together in batches of at most BATCH_ROWS", async () => {
    const { log, inserts } = await fresh.watched();
    for (let i = 0; i < 2 * BATCH_ROWS + 50; i++) log.record(aDelivery());
    await Promise.resolve();
    expect(inserts).toEqual([]);
    await log.flush();
    expect(inserts).toEqual([BATCH_ROWS, BATCH_ROWS, 50]);
    expect(await log.list({}, everything)).toHaveLength(2 * BATCH_ROWS + 50);
  });

  it("writes by itself shortly after a record, in one batch for entries that came together", async () => {
    const { log, inserts } = await fresh.watched();
    for (let i = 0; i < 10; i++) log.record(aDelivery());
    await vi.waitFor(async () => expect(await log.list({}, everything)).toHaveLength(10), { timeout: 3_000, interval: 20 });
    expect(inserts).toEqual([10]);
  });

  it("keeps the newest DELIVERY_LOG_MAX_ROWS entries: k beyond the bound drop the oldest k", async () => {
    const storage = await fresh.open(50);
    const recorded = Array.from({ length: 57 }, () => aDelivery());
    // Across batches, and one batch that alone passes the bound.
    for (const delivery of recorded.slice(0, 30)) storage.deliveries.record(delivery);
    await storage.deliveries.flush();
    for (const delivery of recorded.slice(30)) storage.deliveries.record(delivery);
    await storage.deliveries.flush();
    const kept = await storage.deliveries.list({}, everything);
    expect(kept.map((d) => d.requestId)).toEqual(recorded.slice(7).reverse().map((d) => d.requestId));
  });

  it("holds the bound when one batch is larger than it", async () => {
    const storage = await fresh.open(5);
    const recorded = Array.from({ length: 12 }, () => aDelivery());
    for (const delivery of recorded) storage.deliveries.record(delivery);
    await storage.deliveries.flush();
    expect((await storage.deliveries.list({}, everything)).map((d) => d.requestId)).toEqual(
      recorded.slice(7).reverse().map((d) => d.requestId),
    );
  });

  it("writes what is queued when the storage closes", async () => {
    const storage = await fresh.open();
    const recorded = Array.from({ length: 3 }, () => aDelivery());
    for (const delivery of recorded) storage.deliveries.record(delivery);
    await storage.close();
    const reopened = await fresh.open();
    expect((await reopened.deliveries.list({}, everything)).map((d) => d.requestId)).toEqual(recorded.reverse().map((d) => d.requestId));
    expect(storage.deliveries.droppedCount()).toBe(0);
  });

  it("drops and counts entries beyond MAX_PENDING waiting, and those recorded after close", async () => {
    const storage = await fresh.open();
    for (let i = 0; i < MAX_PENDING + 12; i++) storage.deliveries.record(aDelivery());
    expect(storage.deliveries.droppedCount()).toBe(12);
    await storage.deliveries.flush();
    expect(await storage.deliveries.list({}, everything)).toHaveLength(MAX_PENDING);
    // The queue is empty again, so recording resumes.
    storage.deliveries.record(aDelivery());
    expect(storage.deliveries.droppedCount()).toBe(12);
    await storage.close();
    storage.deliveries.record(aDelivery());
    expect(storage.deliveries.droppedCount()).toBe(13);
  });

  it("reports a batch that cannot be written through onError, drops and counts it, and never throws", async () => {
    const { log, db, errors } = await fresh.watched();
    await db.schema.alterTable("deliveries").renameTo("deliveries_away").execute();
    log.record(aDelivery());
    log.record(aDelivery());
    await expect(log.flush()).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(log.droppedCount()).toBe(2);

    // The next batch is written once the table is back.
    await db.schema.alterTable("deliveries_away").renameTo("deliveries").execute();
    const next = aDelivery();
    log.record(next);
    await log.flush();
    expect((await log.list({}, everything)).map((d) => d.requestId)).toEqual([next.requestId]);
    expect(errors).toHaveLength(1);
  });

  it("records nothing when DELIVERY_LOG_MAX_ROWS is 0", async () => {
    const { log, inserts } = await fresh.watched({ maxRows: 0 });
    log.record(aDelivery());
    await log.flush();
    expect(inserts).toEqual([]);
    expect(log.droppedCount()).toBe(0);
    expect(await log.list({}, everything)).toEqual([]);
  });
});
