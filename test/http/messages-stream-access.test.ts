// GET /messages/stream behind READ_API_TOKEN like GET /messages; HEAD answers as GET would, and ends at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { idsOf, openEventStream, openMessageStream } from "../support/event-stream.js";
import { aMessage, keyed } from "../support/messages.js";
import { startServer, type TestServer } from "../support/server.js";

describe("GET /messages/stream with READ_API_TOKEN set", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ readTokens: "stream-token", streamHeartbeatMs: 150 });
    await server.client.ingestMessage({ body: aMessage({ message_id: "first" }) });
  });
  afterAll(() => server.close());

  it.each([
    ["no token", {}],
    ["a wrong token", { authorization: "Bearer wrong" }],
  ])("answers 401 JSON with a challenge to %s, before looking at the query", async (_, headers) => {
    const res = await fetch(`${server.baseUrl}/messages/stream?after=nonsense`, { headers });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await res.json()).toEqual({ detail: "missing or invalid bearer token" });
  });

  it("streams with the token", async () => {
    const stream = await openMessageStream(server, { after: "0" }, { authorization: "Bearer stream-token" });
    try {
      expect(stream.status).toBe(200);
      expect(idsOf(await stream.untilMessages(1))).toEqual(["first"]);
    } finally {
      stream.close();
    }
  });
});

describe("HEAD /messages/stream", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ streamHeartbeatMs: 150, stream: { pollMs: 50 } });
  });
  afterAll(() => server.close());

  it("answers 200 text/event-stream with no body, and ends", async () => {
    const head = await openEventStream(`${server.baseUrl}/messages/stream?after=0`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    // Within a second, not at the first heartbeat or never.
    const ended = await Promise.race([head.ended, new Promise((resolve) => setTimeout(() => resolve("open"), 1_000))]);
    expect(ended).toBe("end");
    expect(head.text()).toBe("");
  });

  it("leaves no stale starting point: a stream opened well after it starts at that moment", async () => {
    await openEventStream(`${server.baseUrl}/messages/stream`, { method: "HEAD" }).then((head) => head.ended);
    // Several polls later (pollMs 50): a starting point the HEAD read must not still stand for "now".
    await new Promise((resolve) => setTimeout(resolve, 400));
    // Stored by another instance (straight into the store, no wake) after the HEAD, before the GET.
    await server.storage.messages.insertIfAbsent(keyed(aMessage({ message_id: "before-open" })));
    const stream = await openMessageStream(server);
    try {
      await stream.until((s) => s.blocks[1]?.id);
      await server.client.ingestMessage({ body: aMessage({ message_id: "after-open" }) });
      expect(idsOf(await stream.untilMessages(1))).toEqual(["after-open"]);
    } finally {
      stream.close();
    }
  });
});
