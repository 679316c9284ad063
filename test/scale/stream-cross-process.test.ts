// A stream on one process hears of messages another process stores (PostgreSQL instance, or the same SQLite file) on its own.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { postgresSkipReason } from "../support/databases.js";
import { eventBlocks } from "./event-reader.js";
import { freshSchema, killLeftovers, postSigned, startService, type Service } from "./support.js";

const skipPostgres = await postgresSkipReason();
if (skipPostgres) console.warn(`scale/stream-cross-process on PostgreSQL skipped: ${skipPostgres}`);

const body = (id: string) =>
  JSON.stringify({ message_id: id, from: "+14155550100", to: "+919876543210", ts: "2025-01-15T10:00:00Z", text: "across" });

/**
 * Opens a stream on `reader`, stores messages one by one through `writer` only, and answers how long each took
 * to appear. Nothing is ever stored through the reader, so only its polling can find them.
 */
async function delays(reader: Service, writer: Service, run: string, count: number): Promise<number[]> {
  const controller = new AbortController();
  const res = await fetch(`${reader.baseUrl}/messages/stream`, { signal: controller.signal });
  const blocks = eventBlocks(res.body!)[Symbol.asyncIterator]();
  expect((await blocks.next()).value).toHaveProperty("id"); // the starting point: the stream is open
  const took: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const sent = Date.now();
      expect((await postSigned(writer.baseUrl, body(`${run}-${i}`))).status).toBe(200);
      const timeout = setTimeout(() => controller.abort(), 10_000);
      const next = await blocks.next();
      clearTimeout(timeout);
      expect(JSON.parse(next.value!.data!)).toMatchObject({ message_id: `${run}-${i}` });
      took.push(Date.now() - sent);
    }
  } finally {
    controller.abort();
  }
  return took;
}

describe("a stream hears of messages stored by another process", () => {
  afterAll(() => killLeftovers());

  it.skipIf(skipPostgres)("another instance on the same PostgreSQL database", async () => {
    const schema = await freshSchema();
    const env = { DATABASE_URL: schema.url, DATABASE_POOL_SIZE: "3" };
    const [a, b] = await Promise.all([startService(env), startService(env)]);
    try {
      const took = await delays(a!, b!, `x${process.pid}`, 5);
      // The feed polls four times a second; the bench measures the latency, this shows it comes at all.
      console.info(`cross-instance delays (ms): ${took.join(", ")}`);
      expect(took).toHaveLength(5);
    } finally {
      await Promise.all([a!.stop(), b!.stop()]);
      await schema.drop();
    }
  }, 60_000);

  it("another process on the same SQLite file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lyftr-cross-"));
    const env = { DATABASE_URL: `sqlite:///${join(dir, "app.db")}` };
    const a = await startService(env);
    const b = await startService(env);
    try {
      const took = await delays(a, b, `y${process.pid}`, 5);
      console.info(`cross-process delays (ms): ${took.join(", ")}`);
      expect(took).toHaveLength(5);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
