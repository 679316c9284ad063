// Keyset paging: cursor pages walk the same order as offset pages, at any depth, with the filters.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Message } from "../../src/domain/message.js";
import { aMessage } from "../support/messages.js";
import { startServer, type TestServer } from "../support/server.js";

const get = async (server: TestServer, query: string) => {
  const res = await fetch(`${server.baseUrl}/messages?${query}`);
  return { status: res.status, body: (await res.json()) as any };
};

describe("GET /messages with cursor", () => {
  let server: TestServer;
  const stored: Message[] = [];
  beforeAll(async () => {
    server = await startServer();
    // Same instants written differently, fractions, and two senders: the order's hard cases.
    const stamps = ["2025-01-15T10:00:00Z", "2025-01-15T10:00:00.000Z", "2025-01-15T10:00:00.5Z", "2025-01-15T09:59:59.999Z"];
    for (let i = 0; i < 23; i++) {
      const message = aMessage({
        message_id: `c-${String(i % 7).padStart(2, "0")}-${i}`,
        from: i % 3 === 0 ? "+111" : "+222",
        ts: stamps[i % stamps.length]!.replace("2025-01-15", `2025-01-${String(10 + (i % 5)).padStart(2, "0")}`),
      });
      stored.push(message);
      await server.client.ingestMessage({ body: message });
    }
  });
  afterAll(() => server.close());

  /** Follows next_cursor from an empty cursor to the end; returns every message seen and the pages' sizes. */
  async function walk(query: string, limit: number) {
    const seen: Message[] = [];
    const sizes: number[] = [];
    let cursor = "";
    for (let guard = 0; guard < 100; guard++) {
      const { status, body } = await get(server, `${query}&limit=${limit}&cursor=${encodeURIComponent(cursor)}`);
      expect(status).toBe(200);
      seen.push(...body.data);
      sizes.push(body.data.length);
      if (body.next_cursor === null) return { seen, sizes, total: body.total };
      expect(typeof body.next_cursor).toBe("string");
      cursor = body.next_cursor;
    }
    throw new Error("cursor walk did not end");
  }

  it.each([1, 4, 7, 23, 100])("walks pages of %i to the same list offset paging gives", async (limit) => {
    const all = (await get(server, "limit=100")).body.data;
    const { seen, sizes, total } = await walk("x=1", limit);
    expect(seen).toEqual(all);
    expect(total).toBe(23);
    expect(sizes.slice(0, -1).every((n) => n === limit)).toBe(true);
  });

  it("combines with from, since and q, total counting the filtered set", async () => {
    const query = "from=%2B222&since=2025-01-11T00:00:00Z&q=hello";
    const expected = (await get(server, `${query}&limit=100`)).body;
    const { seen, total } = await walk(query, 2);
    expect(seen).toEqual(expected.data);
    expect(total).toBe(expected.total);
  });

  it("applies offset after the cursor's position", async () => {
    const all = (await get(server, "limit=100")).body.data;
    const first = await get(server, "limit=3&cursor=");
    const skipped = await get(server, `limit=3&offset=2&cursor=${first.body.next_cursor}`);
    expect(skipped.body.data).toEqual(all.slice(5, 8));
    expect(skipped.body.offset).toBe(2);
  });

  it("answers without next_cursor when no cursor was sent: the spec's page shape exactly", async () => {
    const { body } = await get(server, "limit=2");
    expect(Object.keys(body).sort()).toEqual(["data", "limit", "offset", "total"]);
  });

  it.each(["not-a-cursor!", "e30", Buffer.from('["a"]').toString("base64url"), "x".repeat(3000)])(
    "refuses a cursor it did not issue (%s) with 422",
    async (cursor) => {
      const { status, body } = await get(server, `cursor=${cursor}`);
      expect(status).toBe(422);
      expect(body.errors).toContainEqual({ path: "cursor", message: expect.any(String) });
    },
  );

  it("is typed in the client", async () => {
    const page = await server.client.listMessages({ query: { limit: 5, cursor: "" } });
    expect(page.status).toBe(200);
    if (page.status !== 200) return;
    expect(page.body.data).toHaveLength(5);
    const next = await server.client.listMessages({ query: { limit: 5, cursor: page.body.next_cursor! } });
    const all = (await get(server, "limit=100")).body.data;
    expect(next.status === 200 && next.body.data).toEqual(all.slice(5, 10));
    expect(stored).toHaveLength(all.length);
  });
});
