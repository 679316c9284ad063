// Retention in the repository, against every database: purges by receipt time, remembers purged ids, keeps counts exact, never stalls ingest.
import { describe, expect, it } from "vitest";
import type { Message } from "../../src/domain/message.js";
import { DATABASES } from "../support/databases.js";
import { aMessage, keyed } from "../support/messages.js";
import { useFreshStorage } from "./fresh-storage.js";

const everything = { limit: 1000, offset: 0 };
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe.each(DATABASES)("retention on $name", (database) => {
  const fresh = useFreshStorage(database);
  const repo = () => fresh.storage.messages;
  const ids = async () => (await repo().list({}, everything)).data.map((m) => m.message_id).sort();

  /** Stores `old`, notes the time, then stores `recent`: the cutoff between them is what a clock `retention` days later would compute. */
  const storeAround = async (old: Message[], recent: Message[]) => {
    await fresh.insertAll(old);
    await tick();
    const cutoff = new Date();
    await tick();
    await fresh.insertAll(recent);
    return cutoff;
  };

  it("deletes the messages received before the cutoff, oldest first, at most a batch at a time", async () => {
    const old = [aMessage({ message_id: "old-1" }), aMessage({ message_id: "old-2" }), aMessage({ message_id: "old-3" })];
    // A sender's ts long after the cutoff does not save a message: receipt decides.
    old.push(aMessage({ message_id: "old-4", ts: "2099-01-01T00:00:00Z" }));
    const cutoff = await storeAround(old, [aMessage({ message_id: "new-1", ts: "2000-01-01T00:00:00Z" })]);
    expect(await repo().purgeReceivedBefore(cutoff, 3)).toBe(3);
    expect(await ids()).toEqual(["new-1", "old-4"]);
    expect(await repo().purgeReceivedBefore(cutoff, 3)).toBe(1);
    expect(await repo().purgeReceivedBefore(cutoff, 3)).toBe(0);
    expect(await ids()).toEqual(["new-1"]);
  });

  it("answers a late copy of a purged id as before, and stores it nowhere", async () => {
    const gone = aMessage({ message_id: "gone", text: "first copy" });
    const cutoff = await storeAround([gone], [aMessage({ message_id: "kept" })]);
    expect(await repo().purgeReceivedBefore(cutoff, 100)).toBe(1);
    expect(await repo().insertIfAbsent(keyed(gone))).toEqual({ kind: "duplicate" });
    expect(await repo().insertIfAbsent(keyed({ ...gone, text: "other" }))).toMatchObject({ kind: "conflict" });
    // Arriving together with new ones, in one batch: only the new one is stored.
    const outcomes = await Promise.all([gone, aMessage({ message_id: "fresh" })].map((m) => repo().insertIfAbsent(keyed(m))));
    expect(outcomes.map((o) => o.kind)).toEqual(["duplicate", "created"]);
    expect(await ids()).toEqual(["fresh", "kept"]);
    expect((await repo().stats(10)).total_messages).toBe(2);
  });

  it("keeps stats and totals exact through a purge", async () => {
    const old = [
      aMessage({ from: "+1", ts: "2025-01-01T00:00:00Z" }),
      aMessage({ from: "+1", ts: "2025-01-02T00:00:00Z" }),
      aMessage({ from: "+2", ts: "2025-01-03T00:00:00Z" }),
    ];
    const recent = [aMessage({ from: "+1", ts: "2025-02-01T00:00:00Z" }), aMessage({ from: "+3", ts: "2025-02-02T00:00:00Z" })];
    const cutoff = await storeAround(old, recent);
    expect(await repo().purgeReceivedBefore(cutoff, 100)).toBe(3);
    expect(await repo().stats(10)).toEqual({
      total_messages: 2,
      unique_senders: 2,
      top_senders: [
        { from: "+1", count: 1 },
        { from: "+3", count: 1 },
      ],
      first_message_ts: "2025-02-01T00:00:00Z",
      last_message_ts: "2025-02-02T00:00:00Z",
    });
    expect((await repo().list({}, everything)).total).toBe(2);
    expect((await repo().list({ from: "+2" }, everything)).total).toBe(0);
  });

  it("keeps ingest going while many messages are purged, batch after batch", async () => {
    const old = Array.from({ length: 2000 }, (_, i) => aMessage({ from: `+${i % 7}` }));
    // Together: they share group commits, as a burst of webhooks does.
    const created = await Promise.all(old.map((m) => repo().insertIfAbsent(keyed(m))));
    expect(created.every((o) => o.kind === "created")).toBe(true);
    await tick();
    const cutoff = new Date();
    await tick();
    const drain = async () => {
      let purged = 0;
      for (let n = -1; n !== 0; purged += n) n = await repo().purgeReceivedBefore(cutoff, 250);
      return purged;
    };
    const purging = drain();
    const during = Array.from({ length: 200 }, (_, i) => aMessage({ from: `+${i % 5}` }));
    const outcomes: string[] = [];
    for (const m of during) outcomes.push((await repo().insertIfAbsent(keyed(m))).kind);
    // Once more: SQLite spares the newest row (rowids), which may have been an old one while the first pass ran.
    expect((await purging) + (await drain())).toBe(2000);
    expect(outcomes.every((kind) => kind === "created")).toBe(true);
    const stats = await repo().stats(10);
    expect(stats.total_messages).toBe(200);
    expect(stats.top_senders.map((s) => s.count)).toEqual([40, 40, 40, 40, 40]);
    expect((await repo().list({}, everything)).total).toBe(200);
  });
});
