// PostgreSQL searches take turns (SEARCH_THREADS at once), so that a burst of them cannot take every
// core from the webhooks. Watched by holding a lock the searches must wait for, and counting the waiters.
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Storage } from "../../src/adapters/storage/database.js";
import { DATABASES } from "../support/databases.js";
import { aMessage, keyed } from "../support/messages.js";

const postgres = DATABASES.find((d) => d.name === "postgres");
if (!postgres) console.warn("search-turns: skipped, PostgreSQL is unreachable (see the warning above)");

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!postgres)("PostgreSQL searches in turn", () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A fresh schema with two messages, opened with this setting, and a client of the test's own. */
  async function opened(searchThreads?: number): Promise<{ storage: Storage; admin: pg.Client }> {
    const { location, drop } = await postgres!.create();
    cleanups.push(drop);
    if (location.kind !== "postgres") throw new Error("expected a PostgreSQL location");
    const storage = await openDatabase({ ...location, searchThreads });
    cleanups.push(() => storage.close());
    for (const text of ["hello there", "hello again"]) await storage.messages.insertIfAbsent(keyed(aMessage({ text })));
    const admin = new pg.Client({ connectionString: location.url });
    await admin.connect();
    cleanups.push(() => admin.end());
    return { storage, admin };
  }

  /** How many queries wait for the lock on this schema's messages table, once the count has held still for a while. */
  async function waiters(admin: pg.Client): Promise<number> {
    const count = async () =>
      Number((await admin.query("select count(*) as n from pg_locks where relation = 'messages'::regclass and not granted")).rows[0].n);
    let last = -1;
    for (let stable = 0; stable < 5; ) {
      await sleep(100);
      const now = await count();
      stable = now === last ? stable + 1 : 0;
      last = now;
    }
    return last;
  }

  for (const [searchThreads, expected] of [[undefined, 1], [3, 3]] as const) {
    it(`runs ${expected} of four searches at once with SEARCH_THREADS ${searchThreads ?? "unset"}, the rest after them`, async () => {
      const { storage, admin } = await opened(searchThreads);
      await admin.query("begin");
      await admin.query("lock table messages in access exclusive mode");
      const searches = Array.from({ length: 4 }, () => storage.messages.list({ q: "HELLO" }, { limit: 10, offset: 0 }));
      try {
        expect(await waiters(admin)).toBe(expected);
      } finally {
        await admin.query("commit");
      }
      for (const page of await Promise.all(searches)) expect(page.total).toBe(2);
    });
  }

  for (const read of ["list", "batch"] as const) {
    it(`drops a search abandoned while it waits for its turn (${read}): it never reaches the database`, async () => {
      const { storage, admin } = await opened();
      await admin.query("begin");
      await admin.query("lock table messages in access exclusive mode");
      // Every statement the service sends from here on, with its parameters.
      const sent: unknown[] = [];
      const query = pg.Client.prototype.query;
      pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
        if (this !== admin) sent.push(args[1]);
        return (query as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof query;
      cleanups.push(async () => void (pg.Client.prototype.query = query));
      const page = { limit: 10, offset: 0 };
      const running = storage.messages.list({ q: "HELLO" }, page);
      const gone = new AbortController();
      // An export's batch waits as a page's read does.
      const abandoned =
        read === "list" ? storage.messages.list({ q: "again" }, page, { signal: gone.signal }) : storage.messages.batch({ q: "again" }, { limit: 10 }, { signal: gone.signal });
      const behind = storage.messages.list({ q: "there" }, page);
      const reason = new Error("client gone");
      try {
        expect(await waiters(admin)).toBe(1);
        gone.abort(reason);
        await expect(abandoned).rejects.toBe(reason);
      } finally {
        await admin.query("commit");
      }
      expect((await running).total).toBe(2);
      expect((await behind).total).toBe(1);
      const needles = JSON.stringify(sent);
      expect(needles).toContain("there");
      expect(needles).not.toContain("again");
    });
  }
});
