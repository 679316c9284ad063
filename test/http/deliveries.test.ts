// GET /deliveries through the real server: entries recorded through the use case come back newest first, filtered and paged.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUseCases } from "../../src/application/use-cases.js";
import type { Delivery } from "../../src/domain/delivery.js";
import { aDelivery } from "../support/deliveries.js";
import { startServer, type TestServer } from "../support/server.js";

const get = async (server: TestServer, query = "") => {
  const res = await fetch(`${server.baseUrl}/deliveries${query ? `?${query}` : ""}`);
  return { status: res.status, body: (await res.json()) as any };
};

const at = (time: string) => `2025-01-15T${time}Z`;

/** A delivery as the API shows it, without its id. */
const shown = (d: Delivery) => ({
  received_at: d.receivedAt,
  request_id: d.requestId,
  result: d.result,
  reason: d.reason,
  message_id: d.messageId,
  signature_scheme: d.signatureScheme,
  body_bytes: d.bodyBytes,
  body_sha256: d.bodySha256,
  client_address: d.clientAddress,
  user_agent: d.userAgent,
});

describe("GET /deliveries", () => {
  let server: TestServer;
  const recorded: Delivery[] = [];
  beforeAll(async () => {
    server = await startServer();
    const useCases = createUseCases({ messages: server.storage.messages, deliveries: server.storage.deliveries });
    const results = ["invalid_signature", "validation_error", "too_large", "conflict", "stale_timestamp"] as const;
    for (let i = 0; i < 23; i++) {
      const delivery = aDelivery({
        requestId: `r-${String(i).padStart(2, "0")}`,
        result: results[i % results.length],
        receivedAt: at(`10:00:${String(i).padStart(2, "0")}.500`),
        messageId: i % 4 === 0 ? "m-4" : null,
      });
      recorded.push(delivery);
      useCases.recordDelivery(delivery);
    }
    // Stored messages are not deliveries.
    useCases.recordDelivery(aDelivery({ result: "created" }));
    useCases.recordDelivery(aDelivery({ result: "duplicate" }));
    await server.storage.deliveries.flush();
  });
  afterAll(() => server.close());

  const newestFirst = () => [...recorded].reverse();

  it("answers the newest 50 by default, each entry with every field", async () => {
    const { status, body } = await get(server);
    expect(status).toBe(200);
    expect(body.limit).toBe(50);
    expect(body.next_cursor).toBeNull();
    expect(body.data.map(({ id: _, ...entry }: { id: string }) => entry)).toEqual(newestFirst().map(shown));
    const ids = body.data.map((d: { id: string }) => BigInt(d.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a > b ? -1 : 1)));
  });

  it.each([
    ["result=too_large", (d: Delivery) => d.result === "too_large"],
    ["message_id=m-4", (d: Delivery) => d.messageId === "m-4"],
    [`since=${at("10:00:20.500")}`, (d: Delivery) => d.receivedAt >= at("10:00:20.500")],
    // 15:30:20.5001+05:30 is 10:00:20.5001Z: after the entry at .500, before the one at 21.500.
    ["since=2025-01-15T15:30:20.5001%2B05:30", (d: Delivery) => d.receivedAt > at("10:00:20.500")],
    ["since=2025-01-15T15:30:20.5+05:30", (d: Delivery) => d.receivedAt >= at("10:00:20.500")],
    ["result=conflict&message_id=m-4", (d: Delivery) => d.result === "conflict" && d.messageId === "m-4"],
    ["result=created", () => false],
  ])("filters: ?%s", async (query, keep) => {
    const { status, body } = await get(server, query);
    expect(status).toBe(200);
    expect(body.data.map((d: { request_id: string }) => d.request_id)).toEqual(newestFirst().filter(keep).map((d) => d.requestId));
  });

  it.each([1, 4, 23, 100])("walks pages of %i with next_cursor, newest first, skipping and repeating nothing", async (limit) => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor = "";
    for (let guard = 0; guard < 50; guard++) {
      const { status, body } = await get(server, `limit=${limit}&cursor=${encodeURIComponent(cursor)}`);
      expect(status).toBe(200);
      seen.push(...body.data.map((d: { request_id: string }) => d.request_id));
      sizes.push(body.data.length);
      if (body.next_cursor === null) break;
      cursor = body.next_cursor;
    }
    expect(seen).toEqual(newestFirst().map((d) => d.requestId));
    // Every page full but the last, which is never empty: next_cursor is null exactly at the end.
    expect(sizes.slice(0, -1).every((n) => n === limit)).toBe(true);
    expect(sizes.at(-1)).toBeGreaterThan(0);
  });

  it("keeps the filters applied across pages", async () => {
    const first = await get(server, "result=invalid_signature&limit=2");
    const second = await get(server, `result=invalid_signature&limit=2&cursor=${first.body.next_cursor}`);
    const all = newestFirst().filter((d) => d.result === "invalid_signature").map((d) => d.requestId);
    expect([...first.body.data, ...second.body.data].map((d: { request_id: string }) => d.request_id)).toEqual(all.slice(0, 4));
  });

  it("is typed in the client", async () => {
    const page = await server.client.listDeliveries({ query: { result: "validation_error", limit: 2 } });
    expect(page.status).toBe(200);
    if (page.status !== 200) return;
    expect(page.body.data.map((d) => d.result)).toEqual(["validation_error", "validation_error"]);
    const next = await server.client.listDeliveries({ query: { result: "validation_error", limit: 2, cursor: page.body.next_cursor! } });
    expect(next.status === 200 && next.body.data.map((d) => d.request_id)).toEqual(
      newestFirst().filter((d) => d.result === "validation_error").map((d) => d.requestId).slice(2, 4),
    );
  });
});

describe("GET /deliveries with the log turned off (DELIVERY_LOG_MAX_ROWS=0)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ deliveryLogMaxRows: 0 });
  });
  afterAll(() => server.close());

  it("records nothing and answers an empty page", async () => {
    createUseCases({ messages: server.storage.messages, deliveries: server.storage.deliveries }).recordDelivery(aDelivery());
    await server.storage.deliveries.flush();
    expect(await get(server)).toEqual({ status: 200, body: { data: [], limit: 50, next_cursor: null } });
  });
});

describe("GET /deliveries with a small DELIVERY_LOG_MAX_ROWS", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ deliveryLogMaxRows: 3 });
  });
  afterAll(() => server.close());

  it("shows only the newest entries", async () => {
    const deliveries = Array.from({ length: 5 }, () => aDelivery());
    for (const delivery of deliveries) server.storage.deliveries.record(delivery);
    await server.storage.deliveries.flush();
    const { body } = await get(server);
    expect(body.data.map((d: { request_id: string }) => d.request_id)).toEqual(deliveries.slice(2).reverse().map((d) => d.requestId));
  });
});
