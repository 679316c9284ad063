// GET /messages: defaults, ordering by ts instant then message_id, and page walking without gaps or duplicates.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import type { MessagesQuery } from "../../src/contracts/message-schemas.js";
import type { Message } from "../../src/domain/message.js";
import { aMessage, keyed } from "../support/messages.js";
import { startServer, type TestServer } from "../support/server.js";

const ids = (messages: Message[]) => messages.map((m) => m.message_id);

async function list(server: TestServer, query: z.input<typeof MessagesQuery> = {}) {
  const res = await server.client.listMessages({ query });
  if (res.status !== 200) throw new Error(`expected 200, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

describe("GET /messages ordering", () => {
  let server: TestServer;
  // Inserted out of order; text order of ts ("…00.5Z" < "…00Z") differs from instant order on purpose.
  const messages = [
    aMessage({ message_id: "x5", ts: "2025-01-15T10:00:01Z" }),
    aMessage({ message_id: "x1", ts: "2025-01-15T10:00:00.5Z" }),
    aMessage({ message_id: "x3", ts: "2025-01-15T10:00:00Z" }),
    aMessage({ message_id: "x0", ts: "2025-01-15T10:00:00.50Z" }),
    aMessage({ message_id: "x6", ts: "2025-01-15T10:00:00.25Z" }),
    aMessage({ message_id: "x2", ts: "2025-01-15T10:00:00.000Z" }),
    aMessage({ message_id: "x7", ts: "2024-12-31T23:59:59Z", from: "+447700900123" }),
    aMessage({ message_id: "x4", ts: "2025-01-15T09:59:59.999Z", text: null }),
  ];
  const byId = new Map(messages.map((m) => [m.message_id, m]));

  beforeAll(async () => {
    server = await startServer();
    for (const m of messages) await server.storage.messages.insertIfAbsent(keyed(m));
  });
  afterAll(() => server.close());

  it("orders by ts instant ascending, then message_id for the same instant however it is written", async () => {
    const page = await list(server);
    expect(ids(page.data)).toEqual(["x7", "x4", "x2", "x3", "x6", "x0", "x1", "x5"]);
  });

  it("returns every field exactly as received, ts text included", async () => {
    const page = await list(server);
    expect(page.data).toEqual(ids(page.data).map((id) => byId.get(id)));
    expect(page.data.find((m) => m.message_id === "x0")?.ts).toBe("2025-01-15T10:00:00.50Z");
    expect(page.data.find((m) => m.message_id === "x2")?.ts).toBe("2025-01-15T10:00:00.000Z");
  });

  it("returns a message stored without text as \"text\": null, key present", async () => {
    const res = await fetch(`${server.baseUrl}/messages?limit=1&offset=1`);
    const raw = await res.text();
    expect(res.status).toBe(200);
    expect(raw).toContain('"text":null');
    expect(JSON.parse(raw).data).toEqual([{ ...byId.get("x4"), text: null }]);
  });

  it("echoes limit and offset when given", async () => {
    const page = await list(server, { limit: 3, offset: 2 });
    expect(page).toMatchObject({ limit: 3, offset: 2, total: 8 });
    expect(ids(page.data)).toEqual(["x2", "x3", "x6"]);
  });
});

describe("GET /messages paging", () => {
  let server: TestServer;
  let full: string[] = [];
  const COUNT = 55;

  beforeAll(async () => {
    server = await startServer();
    // Many equal instants (written with and without fractions) so ties decide much of the order.
    const seeded = Array.from({ length: COUNT }, (_, i) => {
      const second = String(i % 6).padStart(2, "0");
      const ts = i % 5 === 0 ? `2025-02-01T08:00:${second}.000Z` : `2025-02-01T08:00:${second}Z`;
      return aMessage({ message_id: `p-${String((i * 37) % COUNT).padStart(2, "0")}`, ts, text: `n${i}` });
    });
    for (const i of [...seeded.keys()].sort((a, b) => ((a * 17) % COUNT) - ((b * 17) % COUNT))) {
      await server.storage.messages.insertIfAbsent(keyed(seeded[i]!));
    }
    const all = await list(server, { limit: 100 });
    full = ids(all.data);
  });
  afterAll(() => server.close());

  it("lists everything in instant order then message_id when the page is large enough", async () => {
    const all = await list(server, { limit: 100 });
    expect(all.total).toBe(COUNT);
    expect(full).toHaveLength(COUNT);
    const keyOf = (m: Message) => `${new Date(m.ts).toISOString()} ${m.message_id}`;
    const keys = all.data.map(keyOf);
    expect(keys).toEqual([...keys].sort());
  });

  it("defaults to limit 50 and offset 0, echoed in the body", async () => {
    const page = await list(server);
    expect(page.limit).toBe(50);
    expect(page.offset).toBe(0);
    expect(page.total).toBe(COUNT);
    expect(ids(page.data)).toEqual(full.slice(0, 50));
  });

  it.each([1, 3, 7])("walking pages of %i reproduces the full list with no gaps or duplicates", async (size) => {
    const walked: string[] = [];
    for (let offset = 0; offset < COUNT + size; offset += size) {
      const page = await list(server, { limit: size, offset });
      expect(page).toMatchObject({ total: COUNT, limit: size, offset });
      expect(page.data.length).toBe(Math.max(0, Math.min(size, COUNT - offset)));
      walked.push(...ids(page.data));
    }
    expect(walked).toEqual(full);
  });

  it("answers an offset past the end with no data and the full total", async () => {
    for (const offset of [COUNT, COUNT + 1, 10_000]) {
      const page = await list(server, { limit: 10, offset });
      expect(page).toEqual({ data: [], total: COUNT, limit: 10, offset });
    }
  });

  it("accepts limit 1 and limit 100", async () => {
    expect(ids((await list(server, { limit: 1 })).data)).toEqual(full.slice(0, 1));
    expect((await list(server, { limit: 100 })).data).toHaveLength(COUNT);
  });
});
