// SQLite's trigram index in its own file, kept by a worker thread: searches stay exact whether it is behind, caught up, or stale.
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type Storage } from "../../src/adapters/storage/database.js";
import { attachTextIndex, fold, MAX_PROBES, MAX_TERMS, textIndexStep, trigramQueries } from "../../src/adapters/storage/sqlite/text-index.js";
import type { Message } from "../../src/domain/message.js";
import { aMessage, keyed } from "../support/messages.js";
import { identity, indexed, inspect, lastRowid, progress } from "../support/sqlite-files.js";

const everything = { limit: 100, offset: 0 };
const SEARCHES = ["quokka", "QUOKKA", "okka", "kka", "ok", "οδοσ", "ΟΔΟΣ", "a qu", "absent"];


async function waitForIndex(path: string): Promise<void> {
  const target = lastRowid(path);
  for (const began = Date.now(); Date.now() - began < 10_000; await new Promise((r) => setTimeout(r, 25))) {
    if (progress(path).up_to === target) return;
  }
  throw new Error(`the index did not reach rowid ${target}: ${JSON.stringify(progress(path))}`);
}

describe("sqlite text index", () => {
  let dir: string;
  const opened: Storage[] = [];
  const open = async (path: string, indexText = true) => {
    const storage = await openDatabase({ kind: "sqlite", path, indexText });
    opened.push(storage);
    return storage;
  };
  const insert = async (storage: Storage, messages: Message[]) => {
    for (const m of messages) expect((await storage.messages.insertIfAbsent(keyed(m))).kind).toBe("created");
  };
  /** What each search answers: ids in list order and the total. */
  const answers = async (storage: Storage) => {
    const result: Record<string, { ids: string[]; total: number }> = {};
    for (const q of SEARCHES) {
      const page = await storage.messages.list({ q }, everything);
      result[q] = { ids: page.data.map((m) => m.message_id), total: page.total };
    }
    return result;
  };
  const texts = (prefix: string, list: Array<string | null>) =>
    list.map((text, i) => aMessage({ message_id: `${prefix}${i}`, ts: `2025-01-15T10:00:${String(i).padStart(2, "0")}Z`, text }));
  const FIXTURES = texts("m", ["Spotted a QUOKKA today", "quokka", "koala", null, "Quokkas: okay", "ΟΔΟΣ", "καλή οδοσ", "ok"]);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "lyftr-fts-"));
  });
  afterEach(async () => {
    for (const storage of opened.splice(0)) await storage.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it("finds messages the index has not reached, and the same ones once it has", async () => {
    const path = join(dir, "app.db");
    const unindexed = await open(path, false);
    await insert(unindexed, FIXTURES);
    expect(progress(path).up_to).toBe(0);
    const before = await answers(unindexed);
    expect(before.quokka).toEqual({ ids: ["m0", "m1", "m4"], total: 3 });
    expect(before["ΟΔΟΣ"]).toEqual({ ids: ["m5", "m6"], total: 2 });
    expect(before.ok).toEqual({ ids: ["m0", "m1", "m4", "m7"], total: 4 });
    await unindexed.close();

    const indexing = await open(path);
    await waitForIndex(path);
    expect(indexed(path, "okk")).toBe(3); // in the index itself, not only counted as done
    expect(await answers(indexing)).toEqual(before);
    await indexing.close();

    // Reopening the same database keeps what was indexed.
    const again = await open(path, false);
    expect(progress(path).up_to).toBe(FIXTURES.length);
    expect(await answers(again)).toEqual(before);
  });

  it("answers from the index up to up_to and from the messages after it, in one search", async () => {
    const path = join(dir, "app.db");
    const storage = await open(path, false);
    const many = Array.from({ length: 1_500 }, (_, i) =>
      aMessage({ message_id: `n${String(i).padStart(4, "0")}`, text: [10, 999, 1_000, 1_400].includes(i) ? `zebra ${i}` : `note ${i}` }),
    );
    await insert(storage, many);
    // One step, as the worker takes it: the first 1,000 rows indexed, the rest not.
    const database = new BetterSqlite3(path);
    const index = new BetterSqlite3(`${path}-fts`);
    try {
      expect(textIndexStep(database, index)()).toBe(1_000);
    } finally {
      index.close();
      database.close();
    }
    expect(progress(path).up_to).toBe(1_000);
    const page = await storage.messages.list({ q: "ZEBRA" }, everything);
    expect(page).toMatchObject({ total: 4, data: ["n0010", "n0999", "n1000", "n1400"].map((message_id) => ({ message_id })) });
  });

  it("empties an index that belongs to another database", async () => {
    const other = join(dir, "other.db");
    const otherStorage = await open(other);
    await insert(otherStorage, texts("o", ["first", "second", "third"]));
    await waitForIndex(other);
    await otherStorage.close();

    const path = join(dir, "app.db");
    const unindexed = await open(path, false);
    await insert(unindexed, texts("a", ["apple", "banana", "cherry", "damson"]));
    await unindexed.close();
    // The other database's index, up to a rowid this database has too, under this one's name.
    copyFileSync(`${other}-fts`, `${path}-fts`);
    expect(progress(path).up_to).toBe(3);

    const storage = await open(path, false);
    expect(progress(path)).toEqual({ up_to: 0, database_id: identity(path) });
    expect(indexed(path, "fir")).toBe(0);
    expect((await storage.messages.list({ q: "banana" }, everything)).total).toBe(1);
  });

  it("empties the index of a database restored from an older copy", async () => {
    const path = join(dir, "app.db");
    const first = await open(path);
    await insert(first, texts("early", ["one", "two", "three"]));
    await first.close(); // the last connection folds the WAL into the file: it can be copied alone
    copyFileSync(path, join(dir, "backup.db"));

    const later = await open(path);
    await insert(later, texts("late", ["four", "five"]));
    await waitForIndex(path);
    await later.close();
    copyFileSync(join(dir, "backup.db"), path);

    const restored = await open(path, false);
    expect(progress(path).up_to).toBe(0);
    // The rowids the index had given to "four" and "five" now belong to new messages.
    await insert(restored, texts("new", ["sixty", "seventy"]));
    expect((await restored.messages.list({ q: "seventy" }, everything)).data.map((m) => m.message_id)).toEqual(["new1"]);
    expect((await restored.messages.list({ q: "five" }, everything)).total).toBe(0);
  });

  it("close() stops the worker: nothing is indexed after it", async () => {
    const path = join(dir, "app.db");
    const storage = await open(path);
    await insert(storage, FIXTURES);
    await waitForIndex(path);
    await storage.close();

    const writer = new BetterSqlite3(path);
    try {
      writer
        .prepare("insert into messages (message_id, from_msisdn, to_msisdn, ts, ts_key, text, created_at) values ('late', '+1', '+2', 'x', 'x', 'quokka', 'x')")
        .run();
    } finally {
      writer.close();
    }
    await new Promise((r) => setTimeout(r, 400)); // four of the worker's idle polls
    expect(progress(path).up_to).toBe(FIXTURES.length);
  });

  it("reports a failed step and carries on once the cause is gone", async () => {
    const path = join(dir, "app.db");
    const errors: Error[] = [];
    const storage = await openDatabase({ kind: "sqlite", path }, { onTextIndexError: (error) => errors.push(error) });
    opened.push(storage);
    await insert(storage, FIXTURES);
    await waitForIndex(path);

    const index = new BetterSqlite3(`${path}-fts`);
    try {
      index.exec("alter table progress rename to progress_away");
      await insert(storage, texts("more", ["quokka later"]));
      for (const began = Date.now(); errors.length === 0; await new Promise((r) => setTimeout(r, 25))) {
        if (Date.now() - began > 5_000) throw new Error("no failure reported");
      }
      expect(errors[0]?.message).toMatch(/progress/);
      index.exec("alter table progress_away rename to progress");
    } finally {
      index.close();
    }
    await waitForIndex(path);
    expect((await storage.messages.list({ q: "quokka" }, everything)).total).toBe(4);
  });

  it("asks the index for a needle's rare trigrams only", () => {
    const connection = new BetterSqlite3(":memory:");
    try {
      attachTextIndex(connection, ":memory:");
      const add = connection.prepare("insert into search.text_index (rowid, text) values (?, ?)");
      for (let rowid = 1; rowid <= 600; rowid++) add.run(rowid, rowid === 300 ? "a fjord" : `order ${rowid}`);
      const query = trigramQueries(connection);
      expect(query("fjord")).toBe('"fjo" AND "jor"'); // not "ord", in every text
      expect(query("order")).toBe('"ord" AND "rde" AND "der"'); // all alike: all of them
      expect(query('a"b')).toBe('"a""b"');
      expect(query("ab")).toBeNull();
    } finally {
      connection.close();
    }
  });

  it("probes a bounded number of a long needle's trigrams, and asks for a few of them", () => {
    const connection = new BetterSqlite3(":memory:");
    try {
      attachTextIndex(connection, ":memory:");
      const add = connection.prepare("insert into search.text_index (rowid, text) values (?, ?)");
      for (let rowid = 1; rowid <= 200; rowid++) add.run(rowid, `order ${rowid}`);
      // Counts the index probes: each is one get() of a statement prepared through this connection.
      let probes = 0;
      const prepare = connection.prepare.bind(connection);
      connection.prepare = ((source: string) => {
        const statement = prepare(source);
        const get = statement.get.bind(statement);
        statement.get = (...params: unknown[]) => {
          probes++;
          return get(...params);
        };
        return statement;
      }) as typeof connection.prepare;
      const query = trigramQueries(connection);
      const needle = fold(randomBytes(3_072).toString("base64")); // 4,096 characters, ~4,000 distinct trigrams
      const terms = query(needle)?.split(" AND ") ?? [];
      expect(probes).toBe(MAX_PROBES);
      expect(terms.length).toBeGreaterThan(0);
      expect(terms.length).toBeLessThanOrEqual(MAX_TERMS);
      for (const term of terms) expect(needle).toContain(term.slice(1, -1).replaceAll('""', '"'));
    } finally {
      connection.close();
    }
  });

  it("finds a long needle exactly, and not one that differs from it in a single character", async () => {
    const path = join(dir, "app.db");
    const storage = await open(path);
    const long = randomBytes(1_536).toString("base64"); // 2,048 characters
    // A character other than long's there, also once case is ignored (search ignores it: "a" would still match "A").
    const near = `${long.slice(0, 1_024)}${long[1_024]!.toUpperCase() === "A" ? "B" : "A"}${long.slice(1_025)}`;
    await insert(storage, texts("long", [`before ${long} after`, `before ${near} after`, "order"]));
    await waitForIndex(path);
    for (const [needle, id] of [[long, "long0"], [near, "long1"], [long.toUpperCase(), "long0"]] as const) {
      const page = await storage.messages.list({ q: needle }, everything);
      // Upper-cased, the needle may also match the other text, folded: the exact test decides either way.
      if (needle === long.toUpperCase()) expect(page.data.map((m) => m.message_id)).toContain(id);
      else expect(page.data.map((m) => m.message_id)).toEqual([id]);
    }
  });

  it("folds each character on its own, as the needle is folded, whatever surrounds it", () => {
    const byCodePoint = (text: string) => Array.from(text, (c) => c.toLowerCase()).join("");
    expect(fold("ΟΔΟΣ")).toBe("οδοσ"); // not the final ς a whole-string toLowerCase gives
    // Every character between letters and after a space: where a context-dependent mapping would show.
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const c = String.fromCodePoint(cp);
      const text = `Ab${c}cD ${c}`;
      if (fold(text) !== byCodePoint(text)) expect.fail(`U+${cp.toString(16)} folds differently in context`);
      // What lets SQLite's ASCII-only lower() answer first: a folded needle is its own fold.
      if (fold(fold(c)) !== fold(c)) expect.fail(`U+${cp.toString(16)} folds to something that folds again`);
      // What lets an ASCII needle without "i" or "k" skip the full fold (sqlite/dialect.ts): nothing
      // else beyond ASCII folds to ASCII.
      const ascii = cp > 0x7f ? fold(c).replace(/[^\x00-\x7f]/g, "") : "";
      if (ascii !== "" && ascii !== "i" && ascii !== "k") expect.fail(`U+${cp.toString(16)} folds to ASCII ${JSON.stringify(ascii)}`);
    }
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom("Σ", "σ", "ς", "A", "İ", " ", "'", "\u0307") }), (s) => fold(s) === byCodePoint(s)));
    // Every code point, three folds each: seconds on a quiet machine, past the default 20 s on a busy one.
  }, 90_000);
});
