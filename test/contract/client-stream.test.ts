// api.stream() against the real service: replay and live messages, filters, resuming from a saved position,
// reconnecting through a proxy the test cuts, refusals that are not retried, and ending on abort or break.
import { createServer, connect, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { EventStreamTooLarge, LyftrApiError, createClient, type MessageStream } from "../../src/contracts/client.js";
import { aMessage, keyed } from "../support/messages.js";
import { startServer, type TestServer } from "../support/server.js";

const raw = (status: string) =>
  `HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: 15\r\nconnection: close\r\n\r\n{"detail":"no"}`;

/** A TCP proxy in front of the service: it can cut every open connection, refuse new ones, or answer them 503 or 429. */
async function proxyTo(baseUrl: string) {
  const target = new URL(baseUrl);
  const open = new Set<Socket>();
  const state = { mode: "pass" as "pass" | "refuse" | "503" | "429", connections: 0 };
  // Counted once a request arrives: fetch may open a spare connection it never sends on.
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client.on("close", () => sockets.delete(client)));
    client.on("error", () => undefined);
    client.once("data", (head: Buffer) => {
      state.connections += 1;
      if (state.mode === "refuse") return void client.destroy();
      if (state.mode === "503") return void client.end(raw("503 Service Unavailable"));
      if (state.mode === "429") return void client.end(raw("429 Too Many Requests"));
      pass(client, head);
    });
  });
  const pass = (client: Socket, head: Buffer) => {
    const upstream = connect(Number(target.port), target.hostname);
    upstream.write(head);
    open.add(client);
    const drop = () => {
      open.delete(client);
      client.destroy();
      upstream.destroy();
    };
    upstream.on("error", drop).on("close", drop);
    client.on("close", drop);
    client.pipe(upstream).pipe(client);
  };
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    state,
    /** Connections passed through and not yet closed. */
    open: () => open.size,
    cut: () => [...open].forEach((socket) => socket.destroy()),
    close: () => new Promise((resolve) => (sockets.forEach((s) => s.destroy()), server.close(resolve))),
  };
}

/** The stream's next message, or a failure naming the wait, so a stuck stream fails instead of hanging. */
async function nextOf(stream: MessageStream, ms = 5_000) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no message within ${ms} ms`)), ms);
  });
  try {
    const result = await Promise.race([stream.next(), timeout]);
    if (result.done) throw new Error("the stream ended");
    return result.value;
  } finally {
    clearTimeout(timer);
  }
}

const idsOf = async (stream: MessageStream, count: number, ms?: number) => {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await nextOf(stream, ms)).message_id);
  return ids;
};

let tagCount = 0;
/** A word only one test's messages carry, so each test filters its own out of the shared store. */
const tag = () => `tag${process.pid}x${++tagCount}z`;

describe("api.stream()", () => {
  let server: TestServer;
  const send = async (text: string, overrides: Parameters<typeof aMessage>[0] = {}) => {
    const message = aMessage({ text, ...overrides });
    const sent = await server.client.ingestMessage({ body: message });
    expect(sent.status).toBe(200);
    return message.message_id;
  };
  const store = async (text: string, overrides: Parameters<typeof aMessage>[0] = {}) => {
    const message = aMessage({ text, ...overrides });
    await server.storage.messages.insertIfAbsent(keyed(message));
    return message.message_id;
  };

  beforeAll(async () => {
    server = await startServer({ streamHeartbeatMs: 150, stream: { pollMs: 50 } });
  });
  afterAll(() => server.close());

  it("replays the stored messages after 0, in arrival order, then yields those that arrive", async () => {
    const t = tag();
    const stored = [await store(`${t} one`), await store(`${t} two`, { ts: "2020-01-01T00:00:00Z" })];
    const stream = server.client.stream({ q: t, after: "0" });
    try {
      expect(await idsOf(stream, 2)).toEqual(stored);
      const live = await send(`${t} three`);
      const message = await nextOf(stream);
      expect(message).toMatchObject({ message_id: live, text: `${t} three`, from: "+919876543210" });
    } finally {
      await stream.return();
    }
  });

  it("yields only the messages matching from and q (case-insensitive), stored and live", async () => {
    const t = tag();
    const other = "+447700900123";
    await store(`${t} wrong sender`, { from: other });
    const hit = await store(`${t.toUpperCase()} right`);
    await store("untagged");
    const stream = server.client.stream({ from: "+919876543210", q: t, after: "0" });
    try {
      expect(await idsOf(stream, 1)).toEqual([hit]);
      // Sent before the match, so the match could not come first if either leaked through.
      await send(`${t} live wrong sender`, { from: other });
      await send("live untagged");
      const live = await send(`${t} live right`);
      expect(await idsOf(stream, 1)).toEqual([live]);
    } finally {
      await stream.return();
    }
  });

  it("exposes its position: passed later as after, the next stream goes on with neither loss nor repeat", async () => {
    const t = tag();
    const ids = [await store(`${t} 1`), await store(`${t} 2`), await store(`${t} 3`), await store(`${t} 4`)];
    const first = server.client.stream({ q: t, after: "0" });
    expect(first.position).toBe("0");
    const seen: string[] = [];
    for await (const m of first) {
      seen.push(m.message_id);
      if (seen.length === 2) break;
    }
    const saved = first.position;
    expect(saved).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(saved).not.toBe("0");
    const later = await store(`${t} 5`);
    const second = server.client.stream({ q: t, after: saved });
    try {
      expect([...seen, ...(await idsOf(second, 3))]).toEqual([...ids, later]);
      expect(second.position).not.toBe(saved);
    } finally {
      await second.return();
    }
  });

  it("takes its starting point from an id-only block, so a stream opened without after resumes from when it opened", async () => {
    const t = tag();
    // Sent, not stored: the service learns of it at once, rather than at its next poll of the store.
    await send(`${t} before`);
    const first = server.client.stream({ q: t });
    expect(first.position).toBeUndefined();
    const waiting = first.next();
    await vi.waitFor(() => expect(first.position).toMatch(/^[A-Za-z0-9_-]+$/), { timeout: 3_000, interval: 20 });
    await first.return();
    await expect(waiting).resolves.toEqual({ done: true, value: undefined });
    const after = await store(`${t} after`);
    const second = server.client.stream({ q: t, after: first.position });
    try {
      expect(await idsOf(second, 1)).toEqual([after]);
    } finally {
      await second.return();
    }
  });

  it("moves its position past messages that do not match, on the heartbeats' id-only blocks", async () => {
    const t = tag();
    const stream = server.client.stream({ q: t, after: "0" });
    const waiting = stream.next();
    try {
      const skipped = await store("nothing to do with the filter");
      const start = stream.position;
      await vi.waitFor(() => expect(stream.position).not.toBe(start), { timeout: 3_000, interval: 20 });
      // Unfiltered from there: the skipped message is behind the position, the next one ahead.
      const next = await store("the next one");
      const resumed = server.client.stream({ after: stream.position });
      try {
        const first = await nextOf(resumed);
        expect(first.message_id).not.toBe(skipped);
        expect(first.message_id).toBe(next);
      } finally {
        await resumed.return();
      }
    } finally {
      await stream.return();
      await waiting;
    }
  });

  it("reconnects when the connection drops mid-stream and resumes exactly after the last message", async () => {
    const t = tag();
    const proxy = await proxyTo(server.baseUrl);
    const stream = createClient({ baseUrl: proxy.baseUrl }).stream({ q: t, after: "0" });
    try {
      const stored = [await store(`${t} a`), await store(`${t} b`)];
      expect(await idsOf(stream, 2)).toEqual(stored);
      proxy.cut();
      const meanwhile = [await send(`${t} c`), await send(`${t} d`)];
      // The server asks for retry: 2000: the reconnect comes after that, not at once.
      expect(await idsOf(stream, 2, 8_000)).toEqual(meanwhile);
      expect(proxy.state.connections).toBe(2);
      const live = await send(`${t} e`);
      expect(await idsOf(stream, 1)).toEqual([live]);
    } finally {
      await stream.return();
      await proxy.close();
    }
  });

  it("keeps retrying through refused connections and 503s, then resumes where it was", async () => {
    const t = tag();
    const proxy = await proxyTo(server.baseUrl);
    const stream = createClient({ baseUrl: proxy.baseUrl }).stream({ q: t, after: "0" });
    try {
      const first = await store(`${t} first`);
      expect(await idsOf(stream, 1)).toEqual([first]);
      proxy.state.mode = "refuse";
      proxy.cut();
      // Reading: a stream nobody reads from does not notice the cut, nor reconnect.
      const next = nextOf(stream, 15_000);
      const meanwhile = await send(`${t} while down`);
      await vi.waitFor(() => expect(proxy.state.connections).toBeGreaterThanOrEqual(2), { timeout: 5_000, interval: 50 });
      proxy.state.mode = "503";
      await vi.waitFor(() => expect(proxy.state.connections).toBeGreaterThanOrEqual(3), { timeout: 8_000, interval: 50 });
      proxy.state.mode = "pass";
      expect((await next).message_id).toBe(meanwhile);
    } finally {
      await stream.return();
      await proxy.close();
    }
  }, 30_000);

  it("takes a 429 as a reason to wait and try again, not as a refusal", async () => {
    const t = tag();
    const proxy = await proxyTo(server.baseUrl);
    proxy.state.mode = "429";
    const stream = createClient({ baseUrl: proxy.baseUrl }).stream({ q: t, after: "0" });
    try {
      const next = nextOf(stream, 15_000);
      const stored = await store(`${t} after the 429s`);
      await vi.waitFor(() => expect(proxy.state.connections).toBeGreaterThanOrEqual(2), { timeout: 8_000, interval: 50 });
      proxy.state.mode = "pass";
      expect((await next).message_id).toBe(stored);
    } finally {
      await stream.return();
      await proxy.close();
    }
  }, 30_000);

  it("fails with 422 at once for an after the service never issued", async () => {
    const stream = server.client.stream({ after: "not a position" });
    const error = await stream.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LyftrApiError);
    expect(error).toMatchObject({ status: 422 });
  });

  it("ends without an error when the signal aborts, and closes its connection", async () => {
    const t = tag();
    const proxy = await proxyTo(server.baseUrl);
    const controller = new AbortController();
    const seen: string[] = [];
    const stored = await store(`${t} one`);
    const loop = (async () => {
      for await (const m of createClient({ baseUrl: proxy.baseUrl }).stream({ q: t, after: "0", signal: controller.signal })) {
        seen.push(m.message_id);
      }
      return "ended";
    })();
    try {
      await vi.waitFor(() => expect(seen).toEqual([stored]), { timeout: 3_000, interval: 20 });
      expect(proxy.open()).toBe(1);
      controller.abort();
      await expect(loop).resolves.toBe("ended");
      await vi.waitFor(() => expect(proxy.open()).toBe(0), { timeout: 2_000, interval: 20 });
    } finally {
      controller.abort();
      await proxy.close();
    }
  });

  it("closes its connection when the consumer breaks out of the loop", async () => {
    const t = tag();
    const proxy = await proxyTo(server.baseUrl);
    await store(`${t} one`);
    try {
      for await (const _ of createClient({ baseUrl: proxy.baseUrl }).stream({ q: t, after: "0" })) {
        expect(proxy.open()).toBe(1);
        break;
      }
      await vi.waitFor(() => expect(proxy.open()).toBe(0), { timeout: 2_000, interval: 20 });
    } finally {
      await proxy.close();
    }
  });
});

describe("api.stream() with READ_API_TOKEN set", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ readTokens: "read-me", stream: { pollMs: 50 } });
  });
  afterAll(() => server.close());

  const streamRequests = () => server.requestLines.filter((line) => JSON.stringify(line).includes("/messages/stream")).length;

  it("throws LyftrApiError 401 without the token, after one request, not retrying", async () => {
    const before = streamRequests();
    const stream = createClient({ baseUrl: server.baseUrl }).stream({ after: "0" });
    const error = await stream.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LyftrApiError);
    expect(error).toMatchObject({ status: 401 });
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(streamRequests() - before).toBe(1);
  });

  it("sends the read token as the other calls do", async () => {
    const message = aMessage();
    await server.storage.messages.insertIfAbsent(keyed(message));
    const stream = server.client.stream({ after: "0" });
    try {
      expect((await nextOf(stream)).message_id).toBe(message.message_id);
    } finally {
      await stream.return();
    }
  });
});

describe("api.stream() against a server that is not this API", () => {
  it("throws EventStreamTooLarge, and hangs up, when the server sends a line without end", async () => {
    // Not this API: a 200 event stream whose one line never ends, 64 kB at a time while the client reads.
    let closed!: () => void;
    const hungUp = new Promise<void>((resolve) => (closed = resolve));
    let sent = 0;
    const endless = createServer((socket) => {
      socket.on("error", () => undefined).on("close", () => closed());
      socket.once("data", () => {
        socket.write("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\ndata: ");
        const chunk = "x".repeat(65_536);
        const more = () => {
          while (!socket.destroyed && sent < 64 * 1024 * 1024) {
            sent += chunk.length;
            if (!socket.write(chunk)) return void socket.once("drain", more);
          }
        };
        more();
      });
    });
    await new Promise<void>((resolve) => endless.listen(0, "127.0.0.1", resolve));
    try {
      const stream = createClient({ baseUrl: `http://127.0.0.1:${(endless.address() as AddressInfo).port}` }).stream();
      await expect(stream.next()).rejects.toThrow(EventStreamTooLarge);
      await hungUp;
      // Stopped near the limit (a million characters), not at the 64 MB the server would send.
      expect(sent).toBeLessThan(16 * 1024 * 1024);
    } finally {
      await new Promise((resolve) => endless.close(resolve));
    }
  });
});
