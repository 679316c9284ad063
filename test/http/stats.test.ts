// GET /stats: empty shape, top ten senders by count then from, first/last by instant, duplicates counted once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aMessage, keyed } from "../support/messages.js";
import { startServer, type TestServer } from "../support/server.js";

async function stats(server: TestServer) {
  const res = await server.client.getStats();
  if (res.status !== 200) throw new Error(`expected 200, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

describe("GET /stats on an empty database", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it("answers zeros, an empty list and null timestamps", async () => {
    const res = await fetch(`${server.baseUrl}/stats`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      total_messages: 0,
      unique_senders: 0,
      senders_count: 0,
      top_senders: [],
      messages_per_sender: [],
      first_message_ts: null,
      last_message_ts: null,
    });
  });
});

describe("GET /stats with data", () => {
  let server: TestServer;
  // Twelve senders; counts chosen so ties are broken by `from` ascending, also at the cut-off where two of three
  // senders with one message fall off the top ten.
  const counts: [string, number][] = [
    ["+15550000012", 1],
    ["+15550000011", 1],
    ["+15550000010", 1],
    ["+15550000009", 2],
    ["+15550000008", 2],
    ["+15550000007", 3],
    ["+15550000006", 3],
    ["+15550000005", 4],
    ["+15550000004", 5],
    ["+4420000001", 5],
    ["+15550000002", 5],
    ["+15550000001", 6],
  ];
  const total = counts.reduce((sum, [, n]) => sum + n, 0);

  beforeAll(async () => {
    server = await startServer();
    let n = 0;
    for (const [from, count] of counts) {
      for (let i = 0; i < count; i++) {
        n += 1;
        const ts = `2025-01-15T1${n % 10}:00:00.${String(n).padStart(3, "0")}Z`;
        await server.storage.messages.insertIfAbsent(keyed(aMessage({ message_id: `st-${n}`, from, ts })));
      }
    }
    // First and last by instant; by text "…00.5Z" sorts before "…00Z", so text order would swap them.
    await server.storage.messages.insertIfAbsent(keyed(
      aMessage({ message_id: "st-first", from: "+15550000001", ts: "2025-01-15T00:00:00Z" }),
    ));
    await server.storage.messages.insertIfAbsent(keyed(
      aMessage({ message_id: "st-last", from: "+15550000001", ts: "2025-01-15T23:59:59.5Z" }),
    ));
    await server.storage.messages.insertIfAbsent(keyed(
      aMessage({ message_id: "st-last-text", from: "+15550000001", ts: "2025-01-15T23:59:59Z" }),
    ));
  });
  afterAll(() => server.close());

  it("counts messages and distinct senders", async () => {
    const body = await stats(server);
    expect(body.total_messages).toBe(total + 3);
    expect(body.unique_senders).toBe(12);
  });

  it("serves the original assignment's names with the same values, as the raw JSON of the real server", async () => {
    const body = (await (await fetch(`${server.baseUrl}/stats`)).json()) as Record<string, unknown>;
    expect(body.senders_count).toBe(12);
    expect(body.senders_count).toBe(body.unique_senders);
    expect(body.messages_per_sender).toEqual(body.top_senders);
    expect((body.messages_per_sender as unknown[]).length).toBe(10);
  });

  it("lists at most ten senders, count descending, ties by from ascending", async () => {
    const body = await stats(server);
    expect(body.top_senders).toEqual([
      { from: "+15550000001", count: 9 },
      { from: "+15550000002", count: 5 },
      { from: "+15550000004", count: 5 },
      { from: "+4420000001", count: 5 },
      { from: "+15550000005", count: 4 },
      { from: "+15550000006", count: 3 },
      { from: "+15550000007", count: 3 },
      { from: "+15550000008", count: 2 },
      { from: "+15550000009", count: 2 },
      { from: "+15550000010", count: 1 },
    ]);
  });

  it("reports the first and last ts by instant, exactly as received", async () => {
    const body = await stats(server);
    expect(body.first_message_ts).toBe("2025-01-15T00:00:00Z");
    expect(body.last_message_ts).toBe("2025-01-15T23:59:59.5Z");
  });
});

describe("GET /stats with repeated deliveries", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it("does not count a duplicate message_id twice, and the first copy's ts wins", async () => {
    const m = aMessage({ from: "+919876543210", ts: "2025-06-01T10:00:00Z" });
    const other = aMessage({ from: "+14155550100", ts: "2025-06-01T09:00:00.5Z" });
    for (const body of [m, m, other, { ...m, ts: "2025-07-01T00:00:00Z", from: "+447700900123" }, m]) {
      expect((await server.client.ingestMessage({ body })).status).toBe(200);
    }
    expect(await stats(server)).toEqual({
      total_messages: 2,
      unique_senders: 2,
      senders_count: 2,
      top_senders: [
        { from: "+14155550100", count: 1 },
        { from: "+919876543210", count: 1 },
      ],
      messages_per_sender: [
        { from: "+14155550100", count: 1 },
        { from: "+919876543210", count: 1 },
      ],
      first_message_ts: "2025-06-01T09:00:00.5Z",
      last_message_ts: "2025-06-01T10:00:00Z",
    });
  });
});
