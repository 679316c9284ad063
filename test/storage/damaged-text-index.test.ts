// A damaged search index file never stops SQLite storage: it is set aside and rebuilt in the background, and every search stays exact.
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type Storage, type StorageEvents } from "../../src/adapters/storage/database.js";
import { fold } from "../../src/adapters/storage/sqlite/text-index.js";
import { aMessage, keyed } from "../support/messages.js";
import { identity, indexed, inspect, openHandles, progress } from "../support/sqlite-files.js";

const COUNT = 1_200; // more than one indexing step, so a rebuild is seen half done as well as done
const PAGE = { limit: 100, offset: 0 };
const SEARCHES = ["quokka", "QUOKKA", "okk", "ΟΔΟΣ", "weather 11", "ok", "absent"];

const textOf = (i: number) =>
  i % 11 === 0 ? null : i % 97 === 0 ? `Spotted a QUOKKA, number ${i}` : i % 50 === 3 ? `καλή ΟΔΟΣ ${i}` : `note ${i} on the weather`;
const FIXTURES = Array.from({ length: COUNT }, (_, i) =>
  aMessage({ message_id: `m${String(i).padStart(4, "0")}`, ts: new Date(Date.UTC(2025, 0, 15) + i * 1_000).toISOString(), text: textOf(i) }),
);
/** What a search must answer, worked out by reading every fixture: the first page of ids and the total. */
const expected = (q: string) => {
  const ids = FIXTURES.filter((m) => m.text !== null && fold(m.text).includes(fold(q))).map((m) => m.message_id);
  return { ids: ids.slice(0, PAGE.limit), total: ids.length };
};

const setAside = (dir: string) => readdirSync(dir).filter((name) => /^app\.db-fts\.corrupt-[^-]+$/.test(name));

async function waitFor(what: string, done: () => boolean): Promise<void> {
  for (const began = Date.now(); !done(); await new Promise((r) => setTimeout(r, 25))) {
    if (Date.now() - began > 15_000) throw new Error(`timed out waiting for ${what}`);
  }
}

/** The index caught up again, healthy: every message indexed, for this database, and SQLite finds nothing wrong in the file. */
async function rebuilt(path: string): Promise<void> {
  await waitFor("the rebuilt index to catch up", () => {
    try {
      return progress(path).up_to === COUNT;
    } catch {
      return false; // not there yet, or being replaced
    }
  });
  expect(progress(path).database_id).toBe(identity(path));
  expect(indexed(path, "okk")).toBe(expected("okk").total);
  expect(inspect(`${path}-fts`, (db) => db.pragma("integrity_check", { simple: true }))).toBe("ok");
}

/**
 * Garbles the index file under a running service, from byte `from` to its end. Everything is first
 * checkpointed into the file itself, where the garbage goes; then a commit by another connection
 * makes the service's connections drop the pages they cached and read the file again.
 */
function garbleWhileOpen(indexPath: string, from: number): void {
  const other = new BetterSqlite3(indexPath, { fileMustExist: true });
  try {
    other.pragma("busy_timeout = 5000");
    expect(other.pragma("wal_checkpoint(TRUNCATE)")).toEqual([{ busy: 0, log: 0, checkpointed: 0 }]);
    other.exec("begin immediate; update progress set up_to = up_to");
    const fd = openSync(indexPath, "r+");
    try {
      writeSync(fd, randomBytes(statSync(indexPath).size - from), 0, undefined, from);
    } finally {
      closeSync(fd);
    }
    other.exec("commit");
  } finally {
    other.close();
  }
}

describe("damaged sqlite text index", () => {
  let dir: string;
  let path: string;
  const opened: Storage[] = [];
  let damaged: Array<{ error: Error; setAside: string | null }>;
  let failures: Error[];
  const events: StorageEvents = {
    onTextIndexDamaged: (error, aside) => damaged.push({ error, setAside: aside }),
    onTextIndexError: (error) => failures.push(error),
  };
  const open = async (indexText = true, searchThreads?: number) => {
    const storage = await openDatabase({ kind: "sqlite", path, indexText, searchThreads }, events);
    opened.push(storage);
    return storage;
  };
  const answers = async (storage: Storage) => {
    const result: Record<string, { ids: string[]; total: number }> = {};
    for (const q of SEARCHES) {
      const page = await storage.messages.list({ q }, PAGE);
      result[q] = { ids: page.data.map((m) => m.message_id), total: page.total };
    }
    return result;
  };
  const exact = Object.fromEntries(SEARCHES.map((q) => [q, expected(q)]));

  /** A database with every fixture, and its index caught up and closed. */
  const seed = async () => {
    const storage = await open();
    for (const m of FIXTURES) expect((await storage.messages.insertIfAbsent(keyed(m))).kind).toBe("created");
    await waitFor("the index to catch up", () => progress(path).up_to === COUNT);
    await storage.close();
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "lyftr-fts-damage-"));
    path = join(dir, "app.db");
    damaged = [];
    failures = [];
  });
  afterEach(async () => {
    for (const storage of opened.splice(0)) await storage.close().catch(() => undefined);
    // A damaged file is replaced, never given up on.
    expect(failures.filter((error) => /until restart/.test(error.message))).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  /** A new SQLite file in place of the index. */
  const replaceWith = (sql: string) => () => {
    rmSync(`${path}-fts`);
    const db = new BetterSqlite3(`${path}-fts`);
    db.exec(sql);
    db.close();
  };
  const damages: Array<[string, () => void]> = [
    ["random bytes", () => writeFileSync(`${path}-fts`, randomBytes(64 * 1024))],
    ["a truncated copy of the real index", () => {
      const whole = readFileSync(`${path}-fts`);
      writeFileSync(`${path}-fts`, whole.subarray(0, Math.floor(whole.length / 2)));
    }],
    ["an SQLite file whose text_index and progress have other columns", replaceWith("create table text_index (body text); create table progress (up_to integer)")],
    ["an SQLite file of someone else's tables", replaceWith("create table notes (body text); insert into notes values ('keep me')")],
  ];

  it.each(damages)("starts with %s in place of the index, answers exactly, and rebuilds it", async (_, damage) => {
    await seed();
    damage();
    const bytes = readFileSync(`${path}-fts`);

    const storage = await open();
    expect(await answers(storage)).toEqual(exact);
    expect(damaged).toHaveLength(1);
    // Moved aside whole, never written to: someone may want to look at it.
    const [aside] = setAside(dir);
    expect(damaged[0]?.setAside).toBe(join(dir, aside!));
    expect(readFileSync(join(dir, aside!)).equals(bytes)).toBe(true);

    await rebuilt(path);
    expect(await answers(storage)).toEqual(exact);
    expect(damaged).toHaveLength(1);
  });

  it("starts without an index when a damaged one cannot be replaced, answering exactly by reading every message", async () => {
    await seed();
    writeFileSync(`${path}-fts`, randomBytes(64 * 1024));
    mkdirSync(`${path}-fts-shm`); // what setting aside removes, made impossible to remove

    const storage = await open();
    expect(await answers(storage)).toEqual(exact);
    expect(failures.map((error) => error.message)).toEqual([expect.stringMatching(/^no text index until restart/)]);
    failures = [];
  });

  it("keeps answering exactly when the index file is garbled while the service runs, then rebuilds it", async () => {
    await seed();
    const storage = await open();
    expect(await answers(storage)).toEqual(exact);

    garbleWhileOpen(`${path}-fts`, 0);
    expect(await answers(storage)).toEqual(exact);
    await waitFor("the damage to be reported", () => damaged.length > 0);
    expect(damaged[0]?.error.message).toMatch(/not a database|malformed/);
    await rebuilt(path);
    expect(setAside(dir)).toHaveLength(1);
    expect(await answers(storage)).toEqual(exact);
  });

  it("with two search threads, has neither hold the garbled file once it is set aside, and answers exactly", async () => {
    await seed();
    const storage = await open(true, 2);
    // Overlapping searches, so that the second thread too has attached the index.
    const totals = async () => {
      const pages = await Promise.all(SEARCHES.map((q) => storage.messages.list({ q }, PAGE)));
      return Object.fromEntries(pages.map((page, k) => [SEARCHES[k]!, page.total]));
    };
    const exactTotals = Object.fromEntries(SEARCHES.map((q) => [q, exact[q]!.total]));
    expect(await totals()).toEqual(exactTotals);
    // The serving thread's, the indexer's, and each search thread's.
    expect(openHandles(`${path}-fts`)).toBe(4);

    garbleWhileOpen(`${path}-fts`, 0);
    await waitFor("the damage to be reported", () => damaged.length > 0);
    await rebuilt(path);
    const [aside] = setAside(dir);
    expect(openHandles(join(dir, aside!))).toBe(0);
    expect(await answers(storage)).toEqual(exact);
    expect(await totals()).toEqual(exactTotals);
  });

  it("has the worker find the index file garbled while the service runs, with no search asked", async () => {
    await seed();
    const storage = await open();
    garbleWhileOpen(`${path}-fts`, 0);
    await waitFor("the damage to be reported", () => damaged.length > 0);
    expect(damaged[0]?.error.message).toMatch(/^text index damaged: file is not a database/);
    await rebuilt(path);
    expect(setAside(dir).map((name) => join(dir, name))).toEqual([damaged[0]?.setAside]);
    expect(await answers(storage)).toEqual(exact);
  });

  it("finds damage deep in the index through a search alone, and answers that search by reading the messages", async () => {
    await seed();
    // No worker: only the search can come across the damage.
    const storage = await open(false);
    expect(await answers(storage)).toEqual(exact);

    garbleWhileOpen(`${path}-fts`, 4_096); // every page but the first: the file still opens
    expect(await answers(storage)).toEqual(exact);
    await waitFor("the damage to be reported", () => damaged.length > 0);
    expect(damaged.map((d) => d.error.message)).toEqual([expect.stringMatching(/malformed/)]);
    expect(setAside(dir).map((name) => join(dir, name))).toEqual([damaged[0]?.setAside]);
    await waitFor("a fresh index", () => {
      try {
        return progress(path).up_to === 0 && progress(path).database_id === identity(path);
      } catch {
        return false;
      }
    });
    expect(await answers(storage)).toEqual(exact);
    await storage.close();

    // The next start with the worker builds it in full.
    const indexing = await open();
    await rebuilt(path);
    expect(await answers(indexing)).toEqual(exact);
  });
});
