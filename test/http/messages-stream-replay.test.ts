// GET /messages/stream?after=0: every stored message once, in the order stored (not ts order), then the live ones.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { idsOf, openMessageStream } from "../support/event-stream.js";
import { aMessage, keyed } from "../support/messages.js";
import { startServer, type TestServer } from "../support/server.js";

describe("GET /messages/stream?after=0", () => {
  let server: TestServer;
  const store = (message_id: string, ts: string) => server.storage.messages.insertIfAbsent(keyed(aMessage({ message_id, ts })));

  beforeAll(async () => {
    server = await startServer({ streamHeartbeatMs: 200 });
    // Stored in this order; "r3" has the oldest ts and its id sorts first, so neither ts nor id order gives this one.
    await store("r2", "2025-01-15T10:00:00Z");
    await store("r9", "2025-01-15T11:00:00Z");
    await store("r1", "2020-01-01T00:00:00Z");
  });
  afterAll(() => server.close());

  it("replays the store in arrival order, then sends live messages, each once", async () => {
    const stream = await openMessageStream(server, { after: "0" });
    try {
      expect(stream.status).toBe(200);
      expect(stream.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
      expect(stream.headers["cache-control"]).toBe("no-store");
      expect(idsOf(await stream.untilMessages(3))).toEqual(["r2", "r9", "r1"]);
      // A position was given: no id-only block, straight from retry to the messages.
      expect(stream.blocks[0]).toEqual({ retry: "2000", comments: [] });
      expect(stream.blocks[1]!.data).toBeDefined();

      // Live: an old ts arriving last is still sent last.
      for (const [message_id, ts] of [["live-new", "2026-01-01T00:00:00Z"], ["live-old", "2019-01-01T00:00:00Z"]]) {
        expect((await server.client.ingestMessage({ body: aMessage({ message_id, ts }) })).status).toBe(200);
      }
      const events = await stream.untilMessages(5);
      expect(events[0]!.message).toEqual(aMessage({ message_id: "r2", ts: "2025-01-15T10:00:00Z" }));
      // Two heartbeats after the last message: anything sent twice would be here by now.
      const seen = stream.blocks.length;
      await stream.until((s) => s.blocks.slice(seen).filter((b) => b.comments.includes("heartbeat")).length >= 2);
      expect(idsOf(stream.messages())).toEqual(["r2", "r9", "r1", "live-new", "live-old"]);
      expect(new Set(stream.messages().map((e) => e.id)).size).toBe(5);
      expect(server.loggedErrors).toEqual([]);
    } finally {
      stream.close();
    }
  });

  it("sends a message the webhook stores again (a duplicate) only once", async () => {
    const stream = await openMessageStream(server, { after: "0" });
    try {
      await stream.untilMessages(5);
      const again = aMessage({ message_id: "r2", ts: "2025-01-15T10:00:00Z" });
      expect((await server.client.ingestMessage({ body: again })).status).toBe(200);
      await server.client.ingestMessage({ body: aMessage({ message_id: "after-dup" }) });
      expect(idsOf(await stream.untilMessages(6))).toEqual(["r2", "r9", "r1", "live-new", "live-old", "after-dup"]);
    } finally {
      stream.close();
    }
  });
});
