// GET /messages filters: from (with '+' encoded or not), since (Z and offsets, inclusive), and every combination with q.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Message } from "../../src/domain/message.js";
import { aMessage, keyed } from "../support/messages.js";
import { startServer, type TestServer } from "../support/server.js";

const X = "+919876543210";
const Y = "+14155550199";

// 10:00:00Z is the cut-off used below; c-edge sits exactly on it, c-just-before a millisecond earlier.
const messages: Message[] = [
  aMessage({ message_id: "c1", from: X, ts: "2025-01-15T09:00:00Z", text: "Apple tart" }),
  aMessage({ message_id: "c2", from: X, ts: "2025-01-15T11:00:00Z", text: "an apple" }),
  aMessage({ message_id: "c3", from: X, ts: "2025-01-15T11:00:00Z", text: "pear" }),
  aMessage({ message_id: "c4", from: Y, ts: "2025-01-15T09:00:00Z", text: "APPLE" }),
  aMessage({ message_id: "c5", from: Y, ts: "2025-01-15T11:00:00Z", text: "Green apple" }),
  aMessage({ message_id: "c6", from: Y, ts: "2025-01-15T11:30:00Z", text: null }),
  aMessage({ message_id: "c7", from: X, ts: "2025-01-15T12:00:00Z", text: null }),
  aMessage({ message_id: "c8", from: Y, ts: "2025-01-15T08:00:00Z", text: "pear" }),
  aMessage({ message_id: "c-edge", from: "+447700900001", ts: "2025-01-15T10:00:00.000Z", text: "edge" }),
  aMessage({ message_id: "c-just-before", from: "+447700900001", ts: "2025-01-15T09:59:59.999Z", text: "before" }),
];

describe("GET /messages filters", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer();
    for (const m of [...messages].reverse()) await server.storage.messages.insertIfAbsent(keyed(m));
  });
  afterAll(() => server.close());

  /** Raw GET, so the query string is exactly what a user might type. */
  async function getIds(query: string) {
    const res = await fetch(`${server.baseUrl}/messages?${query}`);
    const body = (await res.json()) as { data?: Message[]; total?: number; errors?: unknown };
    expect(res.status, JSON.stringify(body)).toBe(200);
    return { ids: body.data!.map((m) => m.message_id), total: body.total };
  }

  describe("from", () => {
    it("matches the sender exactly with '+' encoded as %2B", async () => {
      expect(await getIds("from=%2B919876543210")).toEqual({ ids: ["c1", "c2", "c3", "c7"], total: 4 });
    });

    it("matches the sender with an unencoded '+', which arrives as a space", async () => {
      expect(await getIds("from=+14155550199")).toEqual({ ids: ["c8", "c4", "c5", "c6"], total: 4 });
    });

    it("matches through the typed client", async () => {
      const res = await server.client.listMessages({ query: { from: X } });
      expect(res.status).toBe(200);
      if (res.status === 200) expect(res.body.data.map((m) => m.message_id)).toEqual(["c1", "c2", "c3", "c7"]);
    });

    it("does not match a prefix or a number with extra digits", async () => {
      expect(await getIds("from=%2B91987654321")).toEqual({ ids: [], total: 0 });
      expect(await getIds("from=%2B9198765432100")).toEqual({ ids: [], total: 0 });
    });
  });

  describe("since", () => {
    const atOrAfterTen = ["c-edge", "c2", "c3", "c5", "c6", "c7"];

    it.each([
      ["Z", "2025-01-15T10:00:00Z"],
      ["Z with fraction", "2025-01-15T10:00:00.000Z"],
      ["+05:30 encoded", "2025-01-15T15:30:00%2B05:30"],
      ["+05:30 unencoded", "2025-01-15T15:30:00+05:30"],
      ["-08:00", "2025-01-15T02:00:00-08:00"],
      ["+05:30 without colon", "2025-01-15T15:30:00%2B0530"],
    ])("is inclusive at the exact instant (%s)", async (_label, since) => {
      expect(await getIds(`since=${since}`)).toEqual({ ids: atOrAfterTen, total: atOrAfterTen.length });
    });

    it("compares instants, not text: a fractional cut-off excludes the whole second before it", async () => {
      expect(await getIds("since=2025-01-15T09:59:59.999Z")).toEqual({
        ids: ["c-just-before", ...atOrAfterTen],
        total: atOrAfterTen.length + 1,
      });
      expect(await getIds("since=2025-01-15T10:00:00.001Z")).toEqual({
        ids: ["c2", "c3", "c5", "c6", "c7"],
        total: 5,
      });
    });

    it("crosses the date line with an offset (01:30 on the 16th at +14:00 is 11:30Z on the 15th)", async () => {
      expect(await getIds("since=2025-01-16T01:30:00%2B14:00")).toEqual({ ids: ["c6", "c7"], total: 2 });
    });

    it("returns nothing after the last message and everything before the first", async () => {
      expect(await getIds("since=2025-01-15T12:00:00.001Z")).toEqual({ ids: [], total: 0 });
      expect((await getIds("since=2000-01-01T00:00:00Z")).total).toBe(messages.length);
    });
  });

  describe("combined with q", () => {
    const since = "2025-01-15T10:00:00Z";
    const cases: [string, Record<string, string>, string[]][] = [
      ["from", { from: X }, ["c1", "c2", "c3", "c7"]],
      ["since", { since }, ["c-edge", "c2", "c3", "c5", "c6", "c7"]],
      ["q", { q: "apple" }, ["c1", "c4", "c2", "c5"]],
      ["from+since", { from: X, since }, ["c2", "c3", "c7"]],
      ["from+q", { from: X, q: "apple" }, ["c1", "c2"]],
      ["since+q", { since, q: "apple" }, ["c2", "c5"]],
      ["from+since+q", { from: X, since, q: "APPLE" }, ["c2"]],
      ["from+since+q, none", { from: Y, since, q: "pear" }, []],
    ];

    it.each(cases)("%s: data and total agree", async (_label, filters, expected) => {
      const query = new URLSearchParams(filters).toString();
      expect(await getIds(query)).toEqual({ ids: expected, total: expected.length });
    });

    it.each(cases)("%s: total ignores limit and offset", async (_label, filters, expected) => {
      const query = new URLSearchParams({ ...filters, limit: "1", offset: "1" }).toString();
      expect(await getIds(query)).toEqual({ ids: expected.slice(1, 2), total: expected.length });
    });
  });
});
