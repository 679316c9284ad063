// REQUEST_TIMEOUT bounds how long a request takes to arrive, not how long its answer lasts: a stream outlives it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { idsOf, openMessageStream } from "../support/event-stream.js";
import { aMessage } from "../support/messages.js";
import { startServer, type TestServer } from "../support/server.js";

const TIMEOUT_MS = 1_000;

describe("GET /messages/stream past the request timeout", () => {
  let server: TestServer;
  beforeAll(async () => {
    // Heartbeats rarer than the timeout too: the stream must stay open while it says nothing.
    server = await startServer({ requestTimeoutMs: TIMEOUT_MS, streamHeartbeatMs: 60_000 });
  });
  afterAll(() => server.close());

  it("stays open and delivers after three times the timeout", async () => {
    const stream = await openMessageStream(server);
    try {
      await stream.until((s) => s.blocks[1]?.id);
      const ended = stream.ended.then((how) => `ended (${how})`);
      const waited = new Promise((resolve) => setTimeout(() => resolve("open"), 3 * TIMEOUT_MS));
      expect(await Promise.race([ended, waited])).toBe("open");
      await server.client.ingestMessage({ body: aMessage({ message_id: "late" }) });
      expect(idsOf(await stream.untilMessages(1))).toEqual(["late"]);
    } finally {
      stream.close();
    }
  });
});
