// GET /messages: the `to` and `until` filters, `order=desc`, and how both combine with filters, offset and cursors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Message } from "../../src/domain/message.js";
import { aMessage, keyed } from "../support/messages.js";
import { startServer, type TestServer } from "../support/server.js";

const A = "+14155550100";
const B = "+447700900002";

describe("GET /messages with to, until and order", () => {
  let server: TestServer;
  const stored: Message[] = [];

  beforeAll(async () => {
    server = await startServer();
    // One instant spelt several ways, fractions and two recipients: the order's hard cases.
    const stamps = ["2025-01-15T10:00:00Z", "2025-01-15T10:00:00.000Z", "2025-01-15T10:00:00.5Z", "2025-01-15T09:59:59.999Z", "2025-01-15T10:00:00.0Z"];
    for (let i = 0; i < 26; i++) {
      const message = aMessage({
        message_id: `o-${String(i % 6).padStart(2, "0")}-${i}`,
        from: i % 4 === 0 ? "+111" : "+222",
        to: i % 3 === 0 ? B : A,
        ts: stamps[i % stamps.length]!.replace("2025-01-15", `2025-01-${String(10 + (i % 4)).padStart(2, "0")}`),
        text: i % 2 === 0 ? "hello there" : "bye",
      });
      stored.push(message);
      await server.storage.messages.insertIfAbsent(keyed(message));
    }
  });
  afterAll(() => server.close());

  async function get(query: string) {
    const res = await fetch(`${server.baseUrl}/messages?${query}`);
    return { status: res.status, body: (await res.json()) as any };
  }
  const ids = (messages: Message[]) => messages.map((m) => m.message_id);
  const all = async (query = "") => (await get(`limit=100&${query}`)).body as { data: Message[]; total: number };

  async function walk(query: string, limit: number) {
    const seen: Message[] = [];
    let cursor = "";
    for (let guard = 0; guard < 100; guard++) {
      const { status, body } = await get(`${query}&limit=${limit}&cursor=${encodeURIComponent(cursor)}`);
      expect(status, JSON.stringify(body)).toBe(200);
      seen.push(...body.data);
      if (body.next_cursor === null) return { seen, total: body.total as number };
      cursor = body.next_cursor;
    }
    throw new Error("cursor walk did not end");
  }

  it("to matches the recipient exactly, '+' encoded or not, total counting only those", async () => {
    const expected = stored.filter((m) => m.to === B).map((m) => m.message_id).sort();
    for (const to of ["%2B447700900002", "+447700900002"]) {
      const page = await all(`to=${to}`);
      expect(ids(page.data).sort()).toEqual(expected);
      expect(page.total).toBe(expected.length);
    }
    expect((await all("to=%2B44770090000")).total).toBe(0);
  });

  it("until is exclusive: a message at the exact instant is left out, one a millisecond before is kept", async () => {
    const everything = (await all()).data;
    const cut = "2025-01-11T10:00:00Z";
    const before = (await all(`until=${cut}`)).data;
    const atOrAfter = (await all(`since=${cut}`)).data;
    expect([...before, ...atOrAfter]).toEqual(everything);
    expect(before.some((m) => m.ts === "2025-01-11T09:59:59.999Z")).toBe(true);
    expect(before.some((m) => m.ts.startsWith("2025-01-11T10:00:00"))).toBe(false);
    // 15:30+05:30 is 10:00Z: the same cut-off, written with an offset.
    expect((await all(`until=2025-01-11T15:30:00%2B05:30`)).data).toEqual(before);
  });

  it("since and until make a window; an empty or inverted one answers an empty page", async () => {
    const window = (await all("since=2025-01-11T00:00:00Z&until=2025-01-12T00:00:00Z")).data;
    expect(window.length).toBeGreaterThan(0);
    expect(window.every((m) => m.ts.startsWith("2025-01-11"))).toBe(true);
    expect(await all("since=2025-01-12T00:00:00Z&until=2025-01-11T00:00:00Z")).toMatchObject({ data: [], total: 0 });
  });

  it("order=desc is the exact reverse of the default order, ties included", async () => {
    const asc = await all();
    const desc = await all("order=desc");
    expect(desc.data).toEqual([...asc.data].reverse());
    expect(desc.total).toBe(asc.total);
    expect(await all("order=asc")).toEqual(asc);
  });

  it("order=desc with offset pages through the reversed list", async () => {
    const reversed = [...(await all()).data].reverse();
    const { body } = await get("order=desc&limit=5&offset=7");
    expect(body.data).toEqual(reversed.slice(7, 12));
    expect(body).toMatchObject({ total: reversed.length, limit: 5, offset: 7 });
  });

  it.each([1, 4, 7, 26])("order=desc walked by cursor in pages of %i equals the reversed ascending list", async (limit) => {
    const asc = (await all()).data;
    const { seen, total } = await walk("order=desc", limit);
    expect(seen).toEqual([...asc].reverse());
    expect(total).toBe(asc.length);
  });

  it.each(["asc", "desc"])("order=%s with every filter, walked by cursor, equals the filtered page; total exact", async (order) => {
    const query = `to=%2B14155550100&from=%2B222&since=2025-01-10T12:00:00Z&until=2025-01-13T10:00:00.5Z&q=HELLO&order=${order}`;
    const expected = await all(query);
    expect(expected.total).toBeGreaterThan(1);
    const { seen, total } = await walk(query, 2);
    expect(seen).toEqual(expected.data);
    expect(total).toBe(expected.total);
  });

  it("order=desc applies offset after the cursor's position", async () => {
    const reversed = [...(await all()).data].reverse();
    const first = await get("order=desc&limit=3&cursor=");
    const skipped = await get(`order=desc&limit=3&offset=2&cursor=${first.body.next_cursor}`);
    expect(skipped.body.data).toEqual(reversed.slice(5, 8));
  });

  it.each([
    ["desc", "asc"],
    ["asc", "desc"],
  ])("refuses a cursor issued for order=%s when sent with order=%s, with 422 naming cursor", async (issued, used) => {
    const first = await get(`order=${issued}&limit=2&cursor=`);
    const { status, body } = await get(`order=${used}&limit=2&cursor=${first.body.next_cursor}`);
    expect(status).toBe(422);
    expect(body.errors).toEqual([
      { path: "cursor", message: `cursor was issued for order=${issued}: send order=${issued} with it, or an empty cursor to start over` },
    ]);
  });

  it("the client's messages() iterator takes to, until and order", async () => {
    const expected = (await all("to=%2B14155550100&until=2025-01-12T10:00:00Z&order=desc")).data;
    const seen: Message[] = [];
    for await (const m of server.client.messages({ to: A, until: "2025-01-12T10:00:00Z", order: "desc" })) seen.push(m);
    expect(seen).toEqual(expected);
    expect(seen.length).toBeGreaterThan(1);
  });
});
