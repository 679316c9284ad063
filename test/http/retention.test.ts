// Retention through the real app: a purged message's late retry is a 200 duplicate and stored nowhere; /stats and totals stay exact.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUseCases } from "../../src/application/use-cases.js";
import { aMessage } from "../support/messages.js";
import { startServer, type TestServer } from "../support/server.js";
import { rawPost, signedJson } from "./webhook-support.js";

const DAY_MS = 86_400_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("retention over HTTP", () => {
  let server: TestServer;
  beforeAll(async () => void (server = await startServer()));
  afterAll(() => server.close());

  const post = (body: object) => rawPost(server.baseUrl, JSON.stringify(body), signedJson(JSON.stringify(body)));

  it("purges what was received over RETENTION_DAYS ago; a late retry of it is a duplicate, and the counts stay exact", async () => {
    const old = [
      aMessage({ message_id: "old-a", from: "+111", ts: "2025-01-01T00:00:00Z" }),
      aMessage({ message_id: "old-b", from: "+111", ts: "2025-01-02T00:00:00Z" }),
      aMessage({ message_id: "old-c", from: "+222", ts: "2025-01-03T00:00:00Z" }),
    ];
    for (const m of old) expect((await post(m)).status).toBe(200);
    await sleep(5);
    const receivedBetween = Date.now();
    await sleep(5);
    const recent = [aMessage({ message_id: "new-a", from: "+111", ts: "2025-02-01T00:00:00Z" }), aMessage({ message_id: "new-b", from: "+333", ts: "2025-02-02T00:00:00Z" })];
    for (const m of recent) expect((await post(m)).status).toBe(200);

    // A clock 30 days on from between the two: the old ones are over 30 days old, the recent ones not.
    const useCases = createUseCases({ messages: server.storage.messages, deliveries: server.storage.deliveries });
    const rule = { retentionDays: 30, maxRows: 2 };
    const now = new Date(receivedBetween + 30 * DAY_MS);
    expect(await useCases.purgeExpiredMessages(rule, now)).toBe(2);
    expect(await useCases.purgeExpiredMessages(rule, now)).toBe(1);
    expect(await useCases.purgeExpiredMessages(rule, now)).toBe(0);

    const retry = await post(old[0]!);
    expect({ status: retry.status, body: retry.body }).toEqual({ status: 200, body: { status: "ok" } });
    expect(server.requestLines.at(-1)).toMatchObject({ status: 200, message_id: "old-a", dup: true, result: "duplicate" });

    const page = await server.client.listMessages({ query: { limit: 100 } });
    expect(page.status).toBe(200);
    if (page.status !== 200) return;
    expect(page.body.total).toBe(2);
    expect(page.body.data.map((m) => m.message_id)).toEqual(["new-a", "new-b"]);
    const byOld = await server.client.listMessages({ query: { from: "+222" } });
    expect(byOld.status === 200 && byOld.body.total).toBe(0);

    const stats = await server.client.getStats();
    expect(stats.status).toBe(200);
    const senders = [
      { from: "+111", count: 1 },
      { from: "+333", count: 1 },
    ];
    expect(stats.body).toEqual({
      total_messages: 2,
      unique_senders: 2,
      senders_count: 2,
      top_senders: senders,
      messages_per_sender: senders,
      first_message_ts: "2025-02-01T00:00:00Z",
      last_message_ts: "2025-02-02T00:00:00Z",
    });
  });
});
