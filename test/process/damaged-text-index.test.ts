// The built service starts on a SQLite database whose search index file is garbage: ready, exact searches, the index rebuilt.
import { randomBytes } from "node:crypto";
import { readdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { getJson, killLeftovers, postSigned, startService, waitFor } from "../scale/support.js";
import { tempDatabase } from "./support.js";

const db = tempDatabase("damaged-fts");
afterAll(() => {
  killLeftovers();
  db.remove();
});

const message = (i: number) => ({
  message_id: `fts-${i}`,
  from: "+14155551000",
  to: "+919876543210",
  ts: new Date(Date.UTC(2025, 0, 15, 10, 0, i)).toISOString(),
  text: i % 7 === 0 ? `a QUOKKA, number ${i}` : `note ${i}`,
});
const COUNT = 40;
const QUOKKAS = Array.from({ length: COUNT }, (_, i) => message(i)).filter((m) => m.text.includes("QUOKKA")).map((m) => m.message_id);

describe("a garbage search index file at start-up", () => {
  it("does not stop the service: ready, exact searches, and the index rebuilt", async () => {
    const first = await startService({ DATABASE_URL: db.url });
    for (let i = 0; i < COUNT; i++) expect((await postSigned(first.baseUrl, JSON.stringify(message(i)))).status).toBe(200);
    expect(await first.stop()).toBe(0);
    writeFileSync(`${db.path}-fts`, randomBytes(32 * 1024));

    const service = await startService({ DATABASE_URL: db.url });
    expect((await getJson(service.baseUrl, "/health/ready")).status).toBe(200);
    const found = await getJson(service.baseUrl, "/messages?q=quokka&limit=100");
    expect(found.status).toBe(200);
    const body = found.body as { data: Array<{ message_id: string }>; total: number };
    expect({ ids: body.data.map((m) => m.message_id), total: body.total }).toEqual({ ids: QUOKKAS, total: QUOKKAS.length });

    const warning = service.logs.find((line) => line.level === "warn" && typeof line.setAside === "string");
    expect(warning?.setAside).toMatch(/app\.db-fts\.corrupt-/);
    expect(readdirSync(dirname(db.path)).filter((name) => name.startsWith("app.db-fts.corrupt-"))).toHaveLength(1);
    await waitFor("the index to be rebuilt", async () => {
      const index = new BetterSqlite3(`${db.path}-fts`, { readonly: true, fileMustExist: true });
      try {
        return index.prepare("select up_to from progress").pluck().get() === COUNT ? true : undefined;
      } finally {
        index.close();
      }
    });
    expect(await service.stop()).toBe(0);
  });
});
