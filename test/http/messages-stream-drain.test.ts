// Shutdown: the server's drain() ends open event streams cleanly (the client's cue to reconnect elsewhere)
// and resolves promptly, rather than waiting for streams that never end by themselves.
import { afterEach, describe, expect, it } from "vitest";
import { idsOf, openMessageStream } from "../support/event-stream.js";
import { aMessage, keyed } from "../support/messages.js";
import { startServer, type TestServer } from "../support/server.js";

/** drain() as the service runs it on SIGTERM, with a bound: a drain stuck on an open stream fails here. */
const drainWithin = (server: TestServer, ms: number) =>
  Promise.race([
    server.drain().then(() => "drained"),
    new Promise((resolve) => setTimeout(() => resolve(`still draining after ${ms} ms`), ms)),
  ]);

describe("drain() with event streams open", () => {
  let server: TestServer;
  afterEach(() => server.close());

  it("ends every open stream cleanly and resolves promptly", async () => {
    server = await startServer({ streamHeartbeatMs: 100 });
    await server.client.ingestMessage({ body: aMessage({ message_id: "stored" }) });
    const live = await openMessageStream(server);
    const replay = await openMessageStream(server, { after: "0" });
    await live.until((s) => s.blocks[1]?.id);
    expect(idsOf(await replay.untilMessages(1))).toEqual(["stored"]);

    expect(await drainWithin(server, 2_000)).toBe("drained");
    // "end": the body's last chunk came, not a dropped connection.
    expect(await live.ended).toBe("end");
    expect(await replay.ended).toBe("end");
    await expect(fetch(`${server.baseUrl}/messages/stream`)).rejects.toThrow();
    expect(server.loggedErrors).toEqual([]);
  });

  it("ends a stream whose reader has stopped reading cleanly too, once it reads again", async () => {
    // Heartbeats every 20 ms: none may be written into the answer drain() has ended.
    server = await startServer({ streamHeartbeatMs: 20, stream: { pollMs: 20 } });
    const paused = await openMessageStream(server);
    await paused.until((s) => s.blocks[1]?.id);
    paused.pause();
    // Several MB, more than loopback's socket buffers hold: the stream's end waits behind them.
    const big = "y".repeat(4_000);
    for (let i = 0; i < 1_500; i += 25) {
      await Promise.all(Array.from({ length: 25 }, () => server.storage.messages.insertIfAbsent(keyed(aMessage({ text: big })))));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const drained = drainWithin(server, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    paused.resume();
    expect(await drained).toBe("drained");
    // Cut off mid-answer would be "aborted": the client would not know it had everything sent.
    expect(await paused.ended).toBe("end");
    expect(paused.messages().length).toBeGreaterThan(0);
    expect(server.loggedErrors).toEqual([]);
  });

  it("ends a stream that was still opening when drain() began", async () => {
    server = await startServer();
    // Holds the stream's first read of the store (where it starts) until drain() has begun.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const arrivalEnd = server.storage.messages.arrivalEnd.bind(server.storage.messages);
    server.storage.messages.arrivalEnd = async () => {
      await held;
      return arrivalEnd();
    };
    const opening = openMessageStream(server);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const drained = drainWithin(server, 2_000);
    release();
    const stream = await opening;
    expect(stream.status).toBe(200);
    expect(await drained).toBe("drained");
    expect(await stream.ended).toBe("end");
  });
});
