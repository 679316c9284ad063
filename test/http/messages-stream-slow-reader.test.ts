// A reader that stops reading while many messages arrive: the stream holds at most maxQueued for it, then
// reads the store itself when the reader is back; every message still arrives once, in order.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ArrivalRange } from "../../src/application/ports.js";
import { idsOf, openMessageStream } from "../support/event-stream.js";
import { aMessage, keyed } from "../support/messages.js";
import { startServer, type TestServer } from "../support/server.js";

const COUNT = 300;

describe("GET /messages/stream with a slow reader", () => {
  let server: TestServer;
  /** Reads of the store bounded by a tail: a stream catching up by itself, not the feed (which reads without one). */
  let catchUpReads = 0;

  beforeAll(async () => {
    server = await startServer({ streamHeartbeatMs: 200, stream: { maxQueued: 5, batch: 7, pollMs: 50 } });
    // The use cases hold this same object: counting here counts the stream's reads.
    const arrivals = server.storage.messages.arrivals.bind(server.storage.messages);
    server.storage.messages.arrivals = (filter, range: ArrivalRange) => {
      if (range.upTo !== undefined) catchUpReads += 1;
      return arrivals(filter, range);
    };
  });
  afterAll(() => server.close());

  it("sends every message once, in order, after falling back to the store", async () => {
    const stream = await openMessageStream(server);
    try {
      await stream.until((s) => s.blocks[1]?.id);
      // Live now (caught up with nothing before it): anything read from the store from here on is the fall-back.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const readsBefore = catchUpReads;
      stream.pause();
      // Big enough that the socket's buffers fill and the server's writes wait for the reader.
      const text = "x".repeat(3_000);
      const ids = Array.from({ length: COUNT }, (_, i) => `slow-${String(i).padStart(3, "0")}`);
      // Straight into the store, as another instance would: the feed finds them by polling, 7 at a time,
      // more than the 5 the stream may hold.
      for (const message_id of ids) await server.storage.messages.insertIfAbsent(keyed(aMessage({ message_id, text })));
      await new Promise((resolve) => setTimeout(resolve, 500));
      stream.resume();

      const events = await stream.untilMessages(COUNT, 15_000);
      expect(idsOf(events)).toEqual(ids);
      expect(new Set(events.map((e) => e.id)).size).toBe(COUNT);
      expect(catchUpReads).toBeGreaterThan(readsBefore);
      // A heartbeat later, still nothing twice.
      const seen = stream.blocks.length;
      await stream.until((s) => s.blocks.slice(seen).some((b) => b.comments.includes("heartbeat")));
      expect(stream.messages()).toHaveLength(COUNT);

      await server.client.ingestMessage({ body: aMessage({ message_id: "after-slow" }) });
      expect(idsOf(await stream.untilMessages(COUNT + 1)).at(-1)).toBe("after-slow");
      expect(server.loggedErrors).toEqual([]);
    } finally {
      stream.close();
    }
  });
});
