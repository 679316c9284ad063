// SQLite's WAL is copied back into the database file by the background thread, not by the thread
// serving requests, and started over once long, even under commits that never stop.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/adapters/storage/database.js";
import { aMessage, keyed } from "../support/messages.js";

const sizeOf = (path: string) => statSync(path).size;

/** About 6 MB of messages: far below the serving connection's own checkpoint threshold (10,000 pages, 40 MB). */
const storeSixMegabytes = async (insert: (m: ReturnType<typeof aMessage>) => Promise<{ kind: string }>) => {
  for (let batch = 0; batch < 30; batch++) {
    const messages = Array.from({ length: 100 }, () => aMessage({ text: "x".repeat(2_000) }));
    expect(await Promise.all(messages.map(insert))).toEqual(messages.map(() => ({ kind: "created" })));
  }
};

describe("sqlite WAL checkpoints", () => {
  let dir: string;
  beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), "lyftr-wal-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("are taken in the background while the service runs", async () => {
    const path = join(dir, "app.db");
    const storage = await openDatabase({ kind: "sqlite", path });
    try {
      const before = sizeOf(path);
      await storeSixMegabytes((m) => storage.messages.insertIfAbsent(keyed(m)));
      // The rows reach the database file only through a checkpoint.
      const began = Date.now();
      while (sizeOf(path) - before < 5_000_000 && Date.now() - began < 10_000) await new Promise((r) => setTimeout(r, 50));
      expect(sizeOf(path) - before).toBeGreaterThan(5_000_000);
    } finally {
      await storage.close();
    }
  });

  it("start the WAL over once long, though commits never stop, and every message stays stored", async () => {
    const path = join(dir, "app.db");
    // 1 MB instead of 64 MB, so that a few seconds of commits see it several times.
    const storage = await openDatabase({ kind: "sqlite", path, walRestartPages: 256 });
    // The WAL header's checkpoint sequence number counts the times the WAL started over.
    const restarts = () => {
      const header = Buffer.alloc(4);
      const wal = openSync(`${path}-wal`, "r");
      try {
        readSync(wal, header, 0, 4, 12);
      } finally {
        closeSync(wal);
      }
      return header.readUInt32BE(0);
    };
    try {
      // 64 inserts in flight at all times, so that every background checkpoint ends with newer
      // commits to copy: without a hold on them, the WAL never starts over (0 here).
      let sent = 0;
      const inFlight = new Set<Promise<unknown>>();
      const began = Date.now();
      while (restarts() < 3 && Date.now() - began < 30_000) {
        while (inFlight.size < 64) {
          sent += 1;
          const insert: Promise<unknown> = storage.messages
            .insertIfAbsent(keyed(aMessage({ text: "x".repeat(500) })))
            .then((outcome) => {
              expect(outcome).toEqual({ kind: "created" });
              inFlight.delete(insert);
            });
          inFlight.add(insert);
        }
        await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
      expect(restarts()).toBeGreaterThanOrEqual(3);
      expect((await storage.messages.stats(1)).total_messages).toBe(sent);
    } finally {
      await storage.close();
    }
  }, 60_000);

  it("are not taken by the serving connection below its threshold (so the test above shows the background's)", async () => {
    const path = join(dir, "app.db");
    const storage = await openDatabase({ kind: "sqlite", path, indexText: false });
    try {
      const before = sizeOf(path);
      await storeSixMegabytes((m) => storage.messages.insertIfAbsent(keyed(m)));
      await new Promise((r) => setTimeout(r, 300));
      expect(sizeOf(path) - before).toBeLessThan(1_000_000);
      expect(sizeOf(`${path}-wal`)).toBeGreaterThan(5_000_000);
    } finally {
      await storage.close();
    }
  });
});
