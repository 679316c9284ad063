// GET /messages/stream refuses what it cannot read with a 422 naming the field, before any event; a q no text can hold is no error.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openMessageStream } from "../support/event-stream.js";
import { aMessage } from "../support/messages.js";
import { startServer, type TestServer } from "../support/server.js";

const token = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8").toString("base64url");

describe("GET /messages/stream validation", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ streamHeartbeatMs: 150 });
    await server.client.ingestMessage({ body: aMessage({ message_id: "hello", text: "Hello there" }) });
  });
  afterAll(() => server.close());

  const refused = async (query: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.baseUrl}/messages/stream${query}`, { headers });
    const body = (await res.json()) as { detail: string; errors: { path: string; message: string }[] };
    return { status: res.status, type: res.headers.get("content-type"), paths: body.errors.map((e) => e.path), body };
  };

  it.each([
    ["after=nonsense", "?after=nonsense", "after"],
    ["after of a wrong shape (a negative seq)", `?after=${token(["-1", "x"])}`, "after"],
    ["after with a 30-digit seq", `?after=${token(["1".repeat(30), "x"])}`, "after"],
    ["after past 2^63-1", `?after=${token(["9223372036854775808", "x"])}`, "after"],
    ["after as three items", `?after=${token(["1", "x", "y"])}`, "after"],
    ["after with a number seq", `?after=${token([1, "x"])}`, "after"],
    ["an empty after", "?after=", "after"],
    ["from=abc", "?from=abc", "from"],
    ["q of 4097 characters", `?q=${"a".repeat(4097)}`, "q"],
  ])("answers 422 to %s, naming the field", async (_, query, field) => {
    const res = await refused(query);
    expect(res.status).toBe(422);
    expect(res.type).toMatch(/^application\/json/);
    expect(res.paths).toEqual([field]);
    expect(res.body.errors[0]!.message).toMatch(new RegExp(`^${field} `));
  });

  it("answers 422 to a Last-Event-ID it did not issue, naming the header", async () => {
    expect((await refused("", { "Last-Event-ID": "nonsense" })).paths).toEqual(["last-event-id"]);
    expect((await refused("?after=0", { "Last-Event-ID": token(["-1", "x"]) })).paths).toEqual(["last-event-id"]);
  });

  it("names every bad field at once", async () => {
    const res = await refused("?after=nonsense&from=abc", { "Last-Event-ID": "nope" });
    expect(res.status).toBe(422);
    expect(res.paths.sort()).toEqual(["after", "from", "last-event-id"]);
  });

  it("takes a q of exactly 4096 characters", async () => {
    // ASCII: 4096 encoded non-ASCII characters would pass the server's header size bound.
    const stream = await openMessageStream(server, { q: "a".repeat(4096) });
    stream.close();
    expect(stream.status).toBe(200);
  });

  it.each(["%00", "Hello%00", "Hel%00lo"])("q=%s opens a stream that matches nothing, replayed or live", async (q) => {
    const stream = await openMessageStream(server, { after: "0", q: decodeURIComponent(q) });
    try {
      expect(stream.status).toBe(200);
      await server.client.ingestMessage({ body: aMessage({ text: "Hello there" }) });
      await stream.until((s) => s.blocks.filter((b) => b.comments.includes("heartbeat")).length >= 3);
      expect(stream.messages()).toEqual([]);
      expect(server.loggedErrors).toEqual([]);
    } finally {
      stream.close();
    }
  });
});
