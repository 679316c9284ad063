// Arrival order in the repository: the order messages were stored, filters, ranges, and on PostgreSQL never past a commit still in flight.
import pg from "pg";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/adapters/storage/database.js";
import type { ArrivalFilter, ArrivalRange } from "../../src/application/ports.js";
import { ARRIVAL_START, type ArrivalPosition } from "../../src/domain/arrival.js";
import { timestampKey } from "../../src/domain/message.js";
import { DATABASES } from "../support/databases.js";
import { aMessage } from "../support/messages.js";
import { useFreshStorage } from "./fresh-storage.js";

/**
 * What `read` answers once it holds `count` messages. On PostgreSQL a write transaction anywhere on the
 * server (the other test files share it) holds back what may be read, as it should: committed messages
 * behind it come once it ends, so a test waits for them rather than expecting them at once.
 */
async function settledCount<T>(read: () => Promise<T[]>, count: number, timeoutMs = 20_000): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await read();
    if (rows.length >= count || Date.now() > deadline) return rows;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(DATABASES)("arrival order on $name", (database) => {
  const fresh = useFreshStorage(database);
  const repo = () => fresh.storage.messages;
  const read = async (filter: ArrivalFilter = {}, range: Partial<ArrivalRange> = {}) =>
    repo().arrivals(filter, { after: ARRIVAL_START, limit: 100, ...range });
  const ids = async (filter: ArrivalFilter = {}, range: Partial<ArrivalRange> = {}) => (await read(filter, range)).map((a) => a.message.message_id);
  const settled = (count: number) => settledCount(() => read(), count);

  // Stored one at a time, in this order: ids and instants both run against arrival.
  const fixtures = async () => {
    for (const [id, ts, from, text] of [
      ["z", "2025-01-15T12:00:00Z", "+1", "Ärger im ÄBC"],
      ["y", "2020-01-01T00:00:00Z", "+2", "plain"],
      ["x", "2025-01-15T11:00:00Z", "+1", null],
      ["w", "2019-06-01T00:00:00Z", "+2", "äbc again"],
    ] as const) {
      await fresh.insertAll([aMessage({ message_id: id, ts, from, text })]);
    }
    await settled(4);
  };

  it("reads in the order messages were stored, not by ts or message_id, each with a position", async () => {
    await fixtures();
    const all = await read();
    expect(all.map((a) => a.message)).toEqual([
      expect.objectContaining({ message_id: "z", ts: "2025-01-15T12:00:00Z", text: "Ärger im ÄBC" }),
      expect.objectContaining({ message_id: "y" }),
      expect.objectContaining({ message_id: "x", text: null }),
      expect.objectContaining({ message_id: "w" }),
    ]);
    expect(all.map((a) => a.position.messageId)).toEqual(["z", "y", "x", "w"]);
    expect(await repo().arrivalEnd()).toEqual(all.at(-1)!.position);
  });

  it("continues after a position, stops at upTo, and takes at most limit", async () => {
    await fixtures();
    const all = await read();
    expect(await ids({}, { after: all[0]!.position })).toEqual(["y", "x", "w"]);
    expect(await ids({}, { after: all[0]!.position, upTo: all[2]!.position })).toEqual(["y", "x"]);
    expect(await ids({}, { limit: 2 })).toEqual(["z", "y"]);
    expect(await ids({}, { after: all[3]!.position })).toEqual([]);
  });

  it("filters by sender exactly and by text case-insensitively beyond ASCII", async () => {
    await fixtures();
    expect(await ids({ from: "+2" })).toEqual(["y", "w"]);
    expect(await ids({ q: "äbc" })).toEqual(["z", "w"]);
    expect(await ids({ q: "ÄBC", from: "+2" })).toEqual(["w"]);
    const [, y] = await read();
    expect(await ids({ q: "äbc" }, { after: y!.position })).toEqual(["w"]);
  });

  it("an empty store ends at the start", async () => {
    expect(await repo().arrivalEnd()).toEqual(ARRIVAL_START);
    expect(await read()).toEqual([]);
  });

  it("another connection to the same database sees the same order and positions", async () => {
    await fixtures();
    const other = await openDatabase(fresh.location);
    try {
      await other.messages.insertIfAbsent({ ...aMessage({ message_id: "v" }), tsKey: timestampKey(aMessage().ts)! });
      const mine = await settled(5);
      expect(mine.map((a) => a.message.message_id)).toEqual(["z", "y", "x", "w", "v"]);
      const theirs = await other.messages.arrivals({}, { after: mine[1]!.position, limit: 10 });
      expect(theirs.map((a) => a.position)).toEqual(mine.slice(2).map((a) => a.position));
    } finally {
      await other.close();
    }
  });
});

describe.each(DATABASES.filter((d) => d.name.startsWith("postgres")))("arrival order on $name, with commits interleaved", (database) => {
  const fresh = useFreshStorage(database);

  it("never reads past a transaction still in flight, and reads what it held back once it commits", async () => {
    const after = (position: ArrivalPosition) => fresh.storage.messages.arrivals({}, { after: position, limit: 10 });
    await fresh.insertAll([aMessage({ message_id: "before" })]);
    const [before] = await settledCount(() => after(ARRIVAL_START), 1);
    const slow = new pg.Client({ connectionString: (fresh.location as { url: string }).url });
    await slow.connect();
    try {
      // The slow transaction takes its id first, then a later one commits.
      await slow.query("begin");
      const ts = "2025-01-15T10:00:00Z";
      await slow.query(
        "insert into messages (message_id, from_msisdn, to_msisdn, ts, ts_key, text, content_hash, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8)",
        ["slow", "+1", "+2", ts, timestampKey(ts), "held", "x", new Date().toISOString()],
      );
      await fresh.insertAll([aMessage({ message_id: "fast" })]);

      // "fast" is committed, but a reader that took it now would step past "slow" for good.
      expect(await after(before!.position)).toEqual([]);
      expect(await fresh.storage.messages.arrivalEnd()).toEqual(before!.position);

      await slow.query("commit");
      expect((await settledCount(() => after(before!.position), 2)).map((a) => a.message.message_id)).toEqual(["slow", "fast"]);
    } finally {
      await slow.end();
    }
  });
});
