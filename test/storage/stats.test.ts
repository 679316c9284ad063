// The repository's stats, run against every database in DATABASES.
import { describe, expect, it } from "vitest";
import type { Message } from "../../src/domain/message.js";
import { openDatabase } from "../../src/adapters/storage/database.js";
import { DATABASES } from "../support/databases.js";
import { aMessage, keyed } from "../support/messages.js";
import { useFreshStorage } from "./fresh-storage.js";

const T = (time: string) => `2025-01-15T${time}Z`;

describe.each(DATABASES)("message stats on $name", (database) => {
  const fresh = useFreshStorage(database);
  const repo = () => fresh.storage.messages;

  it("answers zeros, no senders and null timestamps for an empty database", async () => {
    expect(await repo().stats(10)).toEqual({
      total_messages: 0,
      unique_senders: 0,
      top_senders: [],
      first_message_ts: null,
      last_message_ts: null,
    });
  });

  it("describes a single message", async () => {
    await fresh.insertAll([aMessage({ from: "+919876543210", ts: "2025-01-15T10:00:00Z" })]);
    expect(await repo().stats(10)).toEqual({
      total_messages: 1,
      unique_senders: 1,
      top_senders: [{ from: "+919876543210", count: 1 }],
      first_message_ts: "2025-01-15T10:00:00Z",
      last_message_ts: "2025-01-15T10:00:00Z",
    });
  });

  describe("with 12 senders and tied counts", () => {
    // Counts per sender; ties chosen so byte order of `from` decides ("+10…" sorts before "+9…").
    const counts: Array<[string, number]> = [
      ["+9", 4],
      ["+10", 4],
      ["+447700900001", 3],
      ["+447700900000", 3],
      ["+14155550100", 3],
      ["+919876543210", 2],
      ["+33612345678", 2],
      ["+2", 2],
      ["+1", 1],
      ["+81312345678", 1],
      ["+4915112345678", 1],
      ["+5511987654321", 1],
    ];
    const messages = (): Message[] =>
      counts.flatMap(([from, count], s) =>
        Array.from({ length: count }, (_, i) => aMessage({ from, ts: T(`1${s % 10}:0${i}:00`) })),
      );

    it("counts messages and unique senders", async () => {
      await fresh.insertAll(messages());
      const stats = await repo().stats(10);
      expect(stats.total_messages).toBe(27);
      expect(stats.unique_senders).toBe(12);
    });

    it("lists at most 10 top senders, count descending then from ascending", async () => {
      await fresh.insertAll(messages());
      expect((await repo().stats(10)).top_senders).toEqual([
        { from: "+10", count: 4 },
        { from: "+9", count: 4 },
        { from: "+14155550100", count: 3 },
        { from: "+447700900000", count: 3 },
        { from: "+447700900001", count: 3 },
        { from: "+2", count: 2 },
        { from: "+33612345678", count: 2 },
        { from: "+919876543210", count: 2 },
        { from: "+1", count: 1 },
        { from: "+4915112345678", count: 1 },
      ]);
    });

    it("honours a smaller top-senders limit", async () => {
      await fresh.insertAll(messages());
      expect((await repo().stats(3)).top_senders).toEqual([
        { from: "+10", count: 4 },
        { from: "+9", count: 4 },
        { from: "+14155550100", count: 3 },
      ]);
    });
  });

  it("counts a duplicate id once, for the sender of the first copy", async () => {
    const first = aMessage({ message_id: "dup", from: "+111" });
    await repo().insertIfAbsent(keyed(first));
    await repo().insertIfAbsent(keyed({ ...first, from: "+222" }));
    expect(await repo().stats(10)).toMatchObject({
      total_messages: 1,
      unique_senders: 1,
      top_senders: [{ from: "+111", count: 1 }],
    });
  });

  it("gives first and last ts of the earliest and latest instant, not the smallest and largest text", async () => {
    // As text, .5Z < 00Z and 01Z > 01.5Z; as instants it is the other way round.
    await fresh.insertAll([
      aMessage({ ts: T("10:00:00.5") }),
      aMessage({ ts: T("10:00:01") }),
      aMessage({ ts: T("10:00:00") }),
      aMessage({ ts: T("10:00:01.5") }),
    ]);
    expect(await repo().stats(10)).toMatchObject({
      first_message_ts: T("10:00:00"),
      last_message_ts: T("10:00:01.5"),
    });
  });

  it("gives first and last ts exactly as received", async () => {
    await fresh.insertAll([
      aMessage({ ts: "2025-01-15T10:00:00.000Z" }),
      aMessage({ ts: "2025-03-01T23:59:59.9990Z" }),
      aMessage({ ts: "2025-02-01T00:00:00Z" }),
    ]);
    expect(await repo().stats(10)).toMatchObject({
      first_message_ts: "2025-01-15T10:00:00.000Z",
      last_message_ts: "2025-03-01T23:59:59.9990Z",
    });
  });
  describe("never stale between calls", () => {
    it("counts a message stored through this repository right after the same stats were asked for", async () => {
      await fresh.insertAll([aMessage({ from: "+111", ts: T("10:00:00") })]);
      expect(await repo().stats(10)).toMatchObject({ total_messages: 1 });
      expect(await repo().stats(10)).toMatchObject({ total_messages: 1 });
      await fresh.insertAll([aMessage({ from: "+222", ts: T("11:00:00") })]);
      expect(await repo().stats(10)).toMatchObject({ total_messages: 2, unique_senders: 2, last_message_ts: T("11:00:00") });
    });

    it("counts a message another connection stored (another process, say)", async () => {
      await fresh.insertAll([aMessage({ from: "+111", ts: T("10:00:00") })]);
      expect(await repo().stats(10)).toMatchObject({ total_messages: 1 });
      const other = await openDatabase(fresh.location);
      try {
        expect((await other.messages.insertIfAbsent(keyed(aMessage({ from: "+333", ts: T("09:00:00") })))).kind).toBe("created");
      } finally {
        await other.close();
      }
      expect(await repo().stats(10)).toMatchObject({ total_messages: 2, unique_senders: 2, first_message_ts: T("09:00:00") });
    });

    it("answers the same after a duplicate, which changes nothing", async () => {
      const message = aMessage({ from: "+111", ts: T("10:00:00") });
      await fresh.insertAll([message]);
      const before = await repo().stats(10);
      expect((await repo().insertIfAbsent(keyed(message))).kind).toBe("duplicate");
      expect(await repo().stats(10)).toEqual(before);
    });

    it("answers a different number of top senders when asked for one", async () => {
      await fresh.insertAll([aMessage({ from: "+111" }), aMessage({ from: "+222" })]);
      expect((await repo().stats(10)).top_senders).toHaveLength(2);
      expect((await repo().stats(1)).top_senders).toHaveLength(1);
    });
  });
});
