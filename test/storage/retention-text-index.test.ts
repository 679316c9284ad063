// Retention beside SQLite's text index: after purging every message it can, new messages are still found, and purged ones never are.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type Storage } from "../../src/adapters/storage/database.js";
import { textIndexStep } from "../../src/adapters/storage/sqlite/text-index.js";
import { aMessage, keyed } from "../support/messages.js";

const everything = { limit: 100, offset: 0 };
const future = () => new Date(Date.now() + 60_000);

/** One indexing step, as the worker takes it; answers up_to after it. */
function indexStep(path: string): number {
  const database = new BetterSqlite3(path);
  const index = new BetterSqlite3(`${path}-fts`);
  try {
    textIndexStep(database, index)();
    return index.prepare("select up_to from progress").pluck().get() as number;
  } finally {
    index.close();
    database.close();
  }
}
const rowids = (path: string) => {
  const db = new BetterSqlite3(path, { readonly: true });
  try {
    return db.prepare("select rowid from messages order by rowid").pluck().all() as number[];
  } finally {
    db.close();
  }
};

describe("retention and the sqlite text index", () => {
  let dir: string;
  let storage: Storage | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "lyftr-retention-"));
  });
  afterEach(async () => {
    await storage?.close();
    storage = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const search = async (q: string) => {
    const page = await storage!.messages.list({ q }, everything);
    return { ids: page.data.map((m) => m.message_id).sort(), total: page.total };
  };

  it("spares the newest row, so new messages get new rowids, are searched before and after indexing, and purged ones stay gone", async () => {
    const path = join(dir, "app.db");
    storage = await openDatabase({ kind: "sqlite", path, indexText: false });
    for (const [i, text] of ["a quokka", "quokka two", "koala", "last quokka"].entries()) {
      await storage.messages.insertIfAbsent(keyed(aMessage({ message_id: `old-${i}`, text })));
    }
    expect(indexStep(path)).toBe(4);

    // Purge everything it may: all but the row holding the largest rowid.
    expect(await storage.messages.purgeReceivedBefore(future(), 100)).toBe(3);
    expect(await storage.messages.purgeReceivedBefore(future(), 100)).toBe(0);
    expect(rowids(path)).toEqual([4]);
    // The index still holds the purged texts; the exact test and the join keep them out.
    expect(await search("quokka")).toEqual({ ids: ["old-3"], total: 1 });

    for (const [i, text] of ["new quokka", "no match", "quokka again"].entries()) {
      await storage.messages.insertIfAbsent(keyed(aMessage({ message_id: `new-${i}`, text })));
    }
    // Past up_to: found through the unindexed branch now, through the index once the worker gets to them.
    expect(rowids(path)).toEqual([4, 5, 6, 7]);
    const expected = { ids: ["new-0", "new-2", "old-3"], total: 3 };
    expect(await search("quokka")).toEqual(expected);
    expect(indexStep(path)).toBe(7);
    expect(await search("quokka")).toEqual(expected);
    expect(await search("koala")).toEqual({ ids: [], total: 0 });

    // Now the old row is no longer the newest: the next purge takes it too, and spares new-2.
    expect(await storage.messages.purgeReceivedBefore(future(), 100)).toBe(3);
    expect(await search("quokka")).toEqual({ ids: ["new-2"], total: 1 });
  });
});
