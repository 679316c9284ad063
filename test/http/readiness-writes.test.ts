// Readiness tells the truth about writes: a store that answers reads but refuses every write is not ready, until a write works again.
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseLocation } from "../../src/adapters/storage/database.js";
import { testDatabase } from "../support/databases.js";
import { aMessage } from "../support/messages.js";
import { startServer, type TestServer } from "../support/server.js";
import { rawPost, signedJson } from "./webhook-support.js";

/** Makes every write to the messages and the write probe fail, as a full disk would, and mends it. */
function writeBreaker(location: DatabaseLocation) {
  if (location.kind === "sqlite") {
    const run = (sql: string) => {
      const db = new BetterSqlite3(location.path);
      try {
        db.exec(sql);
      } finally {
        db.close();
      }
    };
    const tables = ["messages", "write_probe"];
    return {
      break: async () =>
        run(tables.map((t) => `create trigger full_${t} before insert on ${t} begin select raise(fail, 'database or disk is full'); end;
          create trigger full_${t}_update before update on ${t} begin select raise(fail, 'database or disk is full'); end;`).join("\n")),
      mend: async () => run(tables.flatMap((t) => [`drop trigger full_${t};`, `drop trigger full_${t}_update;`]).join("\n")),
    };
  }
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: location.url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    break: () =>
      run(`create function full_disk() returns trigger language plpgsql as $$
             begin raise exception 'could not extend file: No space left on device' using errcode = '53100'; end $$;
           create trigger full_messages before insert on messages for each statement execute function full_disk();
           create trigger full_probe before insert or update on write_probe for each statement execute function full_disk();`),
    mend: () => run("drop trigger full_messages on messages; drop trigger full_probe on write_probe; drop function full_disk();"),
  };
}

describe("readiness while writes fail", () => {
  let server: TestServer;
  let fresh: { location: DatabaseLocation; drop(): Promise<void> };
  let breaker: ReturnType<typeof writeBreaker>;
  const ready = async () => {
    const res = await fetch(`${server.baseUrl}/health/ready`);
    return { status: res.status, body: await res.json() };
  };
  const send = () => {
    const body = JSON.stringify(aMessage());
    return rawPost(server.baseUrl, body, signedJson(body));
  };

  beforeAll(async () => {
    fresh = await testDatabase().create();
    server = await startServer({ database: fresh.location });
    breaker = writeBreaker(fresh.location);
  });
  afterAll(async () => {
    await server.close();
    await fresh.drop();
  });

  it("is ready while writes work", async () => {
    expect((await send()).status).toBe(200);
    expect(await ready()).toEqual({ status: 200, body: { status: "ready" } });
  });

  it("turns not ready, with a reason, once a write has failed, though reads still answer", async () => {
    await breaker.break();
    expect((await send()).status).toBe(503);
    expect(await ready()).toEqual({ status: 503, body: { status: "not ready", reason: "database not accepting writes" } });
    expect((await fetch(`${server.baseUrl}/messages`)).status).toBe(200);
    // Still not ready on the next probe: its own write fails too.
    expect((await ready()).status).toBe(503);
  });

  it("turns ready again once a write works, without a webhook having to succeed first", async () => {
    await breaker.mend();
    expect(await ready()).toEqual({ status: 200, body: { status: "ready" } });
    expect((await send()).status).toBe(200);
  });
});
