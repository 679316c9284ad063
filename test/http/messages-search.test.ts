// GET /messages?q=: case-insensitive substring of text, beyond ASCII, with % and _ taken literally.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Message } from "../../src/domain/message.js";
import { aMessage, keyed } from "../support/messages.js";
import { startServer, type TestServer } from "../support/server.js";

const texts: Record<string, string | null> = {
  s01: "Hello World",
  s02: "100% sure",
  s03: "1000 things",
  s04: "a_c",
  s05: "abc",
  s06: "Привет, Мир",
  s07: "ÉCOLE ÜBER",
  s08: "नमस्ते दुनिया",
  s09: "thumbs 👍 up",
  s10: null,
  s11: "null",
  s12: "50%_off",
};

describe("GET /messages q", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer();
    // One instant per message, in id order, so the expected order is the id order.
    const entries = Object.entries(texts);
    for (const [i, [id, text]] of entries.entries()) {
      const ts = `2025-03-01T12:00:${String(i).padStart(2, "0")}Z`;
      await server.storage.messages.insertIfAbsent(keyed(aMessage({ message_id: id, ts, text })));
    }
  });
  afterAll(() => server.close());

  async function search(q: string) {
    const res = await server.client.listMessages({ query: { q, limit: 100 } });
    if (res.status !== 200) throw new Error(`expected 200, got ${res.status}: ${JSON.stringify(res.body)}`);
    return { ids: res.body.data.map((m: Message) => m.message_id), total: res.body.total };
  }

  it.each([
    ["hello", ["s01"]],
    ["WORLD", ["s01"]],
    ["lO wO", ["s01"]],
    ["привет", ["s06"]],
    ["МИР", ["s06"]],
    ["école", ["s07"]],
    ["über", ["s07"]],
    ["दुनिया", ["s08"]],
    ["👍", ["s09"]],
  ])("matches %j case-insensitively as a substring", async (q, expected) => {
    expect(await search(q)).toEqual({ ids: expected, total: expected.length });
  });

  it.each([
    ["100%", ["s02"]],
    ["%", ["s02", "s12"]],
    ["a_c", ["s04"]],
    ["_", ["s04", "s12"]],
    ["%_", ["s12"]],
    ["0%_o", ["s12"]],
  ])("treats %j literally: %% and _ are not wildcards", async (q, expected) => {
    expect(await search(q)).toEqual({ ids: expected, total: expected.length });
  });

  it("does not match 1000 for 100% nor abc for a_c", async () => {
    expect((await search("100%")).ids).not.toContain("s03");
    expect((await search("a_c")).ids).not.toContain("s05");
  });

  it("never matches a message without text", async () => {
    expect(await search("null")).toEqual({ ids: ["s11"], total: 1 });
    expect(await search("l")).toEqual({ ids: ["s01", "s07", "s11"], total: 3 });
  });

  it("treats an empty q as no filter, null-text messages included", async () => {
    const all = Object.keys(texts);
    expect(await search("")).toEqual({ ids: all, total: all.length });
    const res = await fetch(`${server.baseUrl}/messages?q=&limit=100`);
    const body = (await res.json()) as { data: Message[]; total: number };
    expect(res.status).toBe(200);
    expect(body.total).toBe(all.length);
    expect(body.data.find((m) => m.message_id === "s10")?.text).toBeNull();
  });

  it("finds nothing for text no message holds", async () => {
    expect(await search("absent")).toEqual({ ids: [], total: 0 });
  });

  it("keeps a space that was encoded as '+' in q (only from and since restore '+')", async () => {
    const res = await fetch(`${server.baseUrl}/messages?q=hello+world`);
    const body = (await res.json()) as { data: Message[]; total: number };
    expect(res.status).toBe(200);
    expect(body.data.map((m) => m.message_id)).toEqual(["s01"]);
  });
});
