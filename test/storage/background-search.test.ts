// SQLite searches and deep offsets read on the database's background thread: a needle no index narrows reads every message, and the serving thread goes on meanwhile.
import { mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import type { CompiledQuery } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Storage } from "../../src/adapters/storage/database.js";
import { startBackgroundThread } from "../../src/adapters/storage/sqlite/background-thread.js";
import { startSearchThreads } from "../../src/adapters/storage/sqlite/search-threads.js";
import { aMessage, keyed } from "../support/messages.js";
import { lastRowid, progress } from "../support/sqlite-files.js";

const MESSAGES = 20_000;
const everything = { limit: 100, offset: 0 };

/** How many turns the event loop takes while `work` is under way: none while a synchronous call holds the thread. */
async function turnsDuring<T>(work: () => Promise<T>): Promise<{ turns: number; result: T }> {
  let turns = 0;
  let spinning = true;
  const spin = () => {
    if (!spinning) return;
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  try {
    return { result: await work(), turns };
  } finally {
    spinning = false;
  }
}

describe("sqlite searches on the background thread", () => {
  let dir: string;
  let path: string;
  const opened: Storage[] = [];
  const open = async (indexText: boolean) => {
    const storage = await openDatabase({ kind: "sqlite", path, indexText });
    opened.push(storage);
    return storage;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "lyftr-background-search-"));
    path = join(dir, "app.db");
    const storage = await open(false);
    for (let i = 0; i < MESSAGES; i += 500) {
      const batch = Array.from({ length: Math.min(500, MESSAGES - i) }, (_, k) =>
        keyed(aMessage({ message_id: `s${i + k}`, text: (i + k) % 1_000 === 7 ? "Straße to zq" : `order ${i + k} is on its way` })),
      );
      await Promise.all(batch.map((m) => storage.messages.insertIfAbsent(m)));
    }
    await storage.close();
    opened.length = 0;
  }, 60_000);
  afterAll(async () => {
    for (const storage of opened.splice(0)) await storage.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers a search that reads every message exactly, while the serving thread takes turns", async () => {
    const served = await open(true);
    for (const q of ["zq", "ß", "STRASSE"]) {
      const { result, turns } = await turnsDuring(() => served.messages.list({ q }, everything));
      expect(result.total, q).toBe(q === "STRASSE" ? 0 : MESSAGES / 1_000);
      // Thousands on the background thread; none while a scan holds the serving thread (the test below).
      expect(turns, q).toBeGreaterThan(20);
    }
    await served.close();
  });

  it("reads a deep offset there too, the same page the serving thread reads, and a shallow one here", async () => {
    const here = await open(false);
    const served = await open(true);
    for (const page of [{ limit: 50, offset: 19_960 }, { limit: 50, offset: 12_345, order: "desc" as const }]) {
      const expected = await here.messages.list({}, page);
      expect(expected.data.length, JSON.stringify(page)).toBe(page.order ? 50 : 40);
      const { result, turns } = await turnsDuring(() => served.messages.list({}, page));
      expect(result, JSON.stringify(page)).toEqual(expected);
      expect(turns, JSON.stringify(page)).toBeGreaterThan(20);
    }
    const shallow = await turnsDuring(() => served.messages.list({}, { limit: 50, offset: 100 }));
    expect(shallow.result.data.length).toBe(50);
    expect(shallow.turns).toBeLessThan(20);
    await Promise.all([here.close(), served.close()]);
  });

  it("keeps the index up while searches come back to back: they take turns with its steps", async () => {
    const served = await open(true);
    // Four searches always waiting, each reading every message (a needle of two characters).
    let searching = true;
    const loops = Array.from({ length: 4 }, async () => {
      let answered = 0;
      for (; searching; answered++) expect((await served.messages.list({ q: "zq" }, everything)).total).toBeGreaterThanOrEqual(MESSAGES / 1_000);
      return answered;
    });
    try {
      // Enough for the index to take a while even on a fast machine, so that every loop is answered more than once.
      const news = Array.from({ length: 8_000 }, (_, k) => keyed(aMessage({ message_id: `n${k}`, text: `new ${k}` })));
      await Promise.all(news.map((m) => served.messages.insertIfAbsent(m)));
      const target = lastRowid(path);
      const began = Date.now();
      while (progress(path).up_to !== target) {
        if (Date.now() - began > 15_000) throw new Error(`the index stalled at ${progress(path).up_to} of ${target} while searches ran`);
        await new Promise((r) => setTimeout(r, 25));
      }
    } finally {
      searching = false;
    }
    // The searches were under way all along, not queued behind the index.
    for (const answered of await Promise.all(loops)) expect(answered).toBeGreaterThan(1);
    await served.close();
  }, 30_000);

  it("with two search threads, sends a search that overlaps another to the second, and both answer exactly", async () => {
    // Real threads on the real file, watched: how many reads each was sent.
    const sent: number[] = [];
    const watched: typeof startBackgroundThread = (files, onError) => {
      const k = sent.push(0) - 1;
      const thread = startBackgroundThread(files, onError);
      return { ...thread, read: (queries) => ((sent[k]! += 1), thread.read(queries)) };
    };
    const files = { databasePath: path, indexPath: `${path}-fts`, lower: "lyftr_lower", cacheMb: 4 };
    const count = { sql: "select count(*) as n from messages where text like ?", parameters: ["%zq%"] } as unknown as CompiledQuery;
    const threads = startSearchThreads(2, files, (error) => { throw error; }, undefined, watched);
    try {
      const overlapping = await Promise.all(Array.from({ length: 3 }, () => threads.read([count])));
      for (const rows of overlapping) expect(rows).toEqual([[{ n: MESSAGES / 1_000 }]]);
      // The first on a tie, the second while the first has one waiting, the first again on the next tie.
      expect(sent).toEqual([2, 1]);
      sent.fill(0);
      // One search at a time never needs the second thread.
      for (let k = 0; k < 3; k++) expect(await threads.read([count])).toEqual([[{ n: MESSAGES / 1_000 }]]);
      expect(sent).toEqual([3, 0]);
    } finally {
      await threads.stop();
    }
  });

  it("drops a search abandoned while it waits: it never runs, and the one behind it is answered", async () => {
    const errors: Error[] = [];
    const files = { databasePath: path, indexPath: `${path}-fts`, lower: "lyftr_lower", cacheMb: 4 };
    const thread = startBackgroundThread(files, (error) => errors.push(error));
    // Holds the thread for a few hundred milliseconds, while the others wait behind it.
    const slow = { sql: "with recursive n(i) as (select 1 union all select i + 1 from n where i < 3000000) select count(*) as n from n", parameters: [] } as unknown as CompiledQuery;
    // Fails if it ever runs: the thread reports each failed search (onError).
    const abandoned = { sql: "select * from no_such_table", parameters: [] } as unknown as CompiledQuery;
    const count = { sql: "select count(*) as n from messages where text like ?", parameters: ["%zq%"] } as unknown as CompiledQuery;
    try {
      const first = thread.read([slow]);
      const gone = new AbortController();
      const second = thread.read([abandoned], gone.signal);
      const third = thread.read([count]);
      expect(thread.waiting()).toBe(3);
      const reason = new Error("client gone");
      gone.abort(reason);
      await expect(second).rejects.toBe(reason);
      expect(thread.waiting()).toBe(2);
      expect(await first).toEqual([[{ n: 3_000_000 }]]);
      expect(await third).toEqual([[{ n: MESSAGES / 1_000 }]]);
      expect(errors).toEqual([]);
      // One abandoned before it was sent is never sent.
      await expect(thread.read([abandoned], AbortSignal.abort(reason))).rejects.toBe(reason);
      // Had it been sent, it would have run, and failed, before this next one.
      expect(await thread.read([count])).toEqual([[{ n: MESSAGES / 1_000 }]]);
      expect(errors).toEqual([]);
    } finally {
      await thread.stop();
    }
  });

  it("rejects an abandoned search with the caller's reason, not as the store failing", async () => {
    const served = await open(true);
    const reason = new Error("client gone");
    const gone = { signal: AbortSignal.abort(reason) };
    await expect(served.messages.list({ q: "zq" }, everything, gone)).rejects.toBe(reason);
    // A deep offset takes the same way; a cheap read is answered regardless, and never asks for the signal.
    await expect(served.messages.list({}, { limit: 10, offset: 15_000 }, gone)).rejects.toBe(reason);
    // So does an export's batch with a search.
    await expect(served.messages.batch({ q: "zq" }, { limit: 10 }, gone)).rejects.toBe(reason);
    const unasked = {
      get signal(): AbortSignal {
        throw new Error("a cheap read asked for the signal");
      },
    };
    expect((await served.messages.list({}, { limit: 10, offset: 0 }, unasked)).data).toHaveLength(10);
    await served.close();
  });

  it("gives every search thread the page cache it is told (SEARCH_CACHE_MB)", async () => {
    const files = { databasePath: path, indexPath: `${path}-fts`, lower: "lyftr_lower", cacheMb: 64 };
    const threads = startSearchThreads(2, files, (error) => { throw error; });
    const cache = { sql: "select cache_size as kib from pragma_cache_size()", parameters: [] } as unknown as CompiledQuery;
    const slow = { sql: "select count(*) as n from messages where text like ?", parameters: ["%zq%"] } as unknown as CompiledQuery;
    try {
      // Two at once: the second goes to the second thread while the first is busy.
      const answers = await Promise.all([threads.read([slow, cache]), threads.read([cache])]);
      expect(answers).toEqual([[[{ n: MESSAGES / 1_000 }], [{ kib: -65_536 }]], [[{ kib: -65_536 }]]]);
    } finally {
      await threads.stop();
    }
  });

  it("answers on the serving thread a search the background thread cannot, and reports why", async () => {
    const errors: Error[] = [];
    const own = join(dir, "own.db");
    const storage = await openDatabase({ kind: "sqlite", path: own }, { onTextIndexError: (error) => errors.push(error) });
    opened.push(storage);
    await storage.messages.insertIfAbsent(keyed(aMessage({ message_id: "q1", text: "Straße to zq" })));
    // The indexer too opens the file by path: let it have done so, so only the search is refused.
    const index = new BetterSqlite3(`${own}-fts`, { readonly: true });
    try {
      for (const began = Date.now(); index.prepare("select up_to from progress").pluck().get() !== 1; await new Promise((r) => setTimeout(r, 20))) {
        if (Date.now() - began > 10_000) throw new Error("the index never caught up");
      }
    } finally {
      index.close();
    }
    // Searches open their own connection by path at the first: with nothing there, it cannot.
    renameSync(own, `${own}.away`);
    try {
      const page = await storage.messages.list({ q: "zq" }, everything);
      expect(page.data.map((m) => m.message_id)).toEqual(["q1"]);
    } finally {
      renameSync(`${own}.away`, own);
    }
    const fromBackground = errors.map((e) => e.message).filter((m) => m.startsWith("search on the background thread"));
    expect(fromBackground).toEqual([expect.stringMatching(/^search on the background thread: unable to open database file/)]);
  });

  it("(the contrast) holds the serving thread where no background thread runs: indexText false, as some tests open it", async () => {
    const here = await open(false);
    const { result, turns } = await turnsDuring(() => here.messages.list({ q: "zq" }, everything));
    expect(result.total).toBe(MESSAGES / 1_000);
    expect(turns).toBeLessThan(20);
    await here.close();
  });
});
