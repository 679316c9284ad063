// A request whose answer is cut short or never sent (its client left, Node answered in the app's place, the store failed) still gets its log line and its count, with its webhook result when there is one.
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MessageRepository } from "../../src/application/ports.js";
import { appOver, type AppOver } from "../support/app-over.js";
import { aMessage, signBody } from "../support/messages.js";
import { memoryRepository } from "../support/memory-repository.js";
import { sample } from "../support/metric-sample.js";
import { startServer, type TestServer } from "../support/server.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A webhook whose headers promise 200 bytes of body, of which only the first few are sent. */
async function halfAWebhook(server: TestServer, requestId: string): Promise<Socket> {
  const { port } = new URL(server.baseUrl);
  const socket = connect(Number(port), "127.0.0.1");
  await new Promise((resolve) => socket.once("connect", resolve));
  socket.on("error", () => {});
  socket.write(
    `POST /webhook HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 200\r\nX-Request-Id: ${requestId}\r\n\r\n` +
      '{"message_id":',
  );
  return socket;
}

/** The status line of whatever the server sends before the connection closes. */
function statusLineOf(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    socket.on("data", (chunk: Buffer) => (text += chunk.toString("latin1")));
    socket.on("close", () => resolve(text.split("\r\n")[0]!));
  });
}

async function lineOf(server: TestServer, requestId: string): Promise<Record<string, unknown> | undefined> {
  const find = () => (server.requestLines as Array<Record<string, unknown>>).find((line) => line.request_id === requestId);
  for (let waited = 0; find() === undefined && waited < 5_000; waited += 20) await sleep(20);
  return find();
}

describe("a request whose answer never ends", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ requestTimeoutMs: 1_000 });
  });
  afterAll(() => server.close());

  it("is logged as 499 and counted when its client leaves before any answer", async () => {
    const [refused, closed] = ['webhook_requests_total{result="bad_request"}', 'http_requests_total{path="/webhook",status="499"}'];
    const before = [await sample(server, refused), await sample(server, closed)];
    const socket = await halfAWebhook(server, "left-mid-body");
    await sleep(100);
    socket.resetAndDestroy();
    expect(await lineOf(server, "left-mid-body")).toEqual({
      request_id: "left-mid-body",
      method: "POST",
      path: "/webhook",
      status: 499,
      latency_ms: expect.any(Number),
      incomplete: true,
      result: "bad_request",
    });
    expect([await sample(server, refused), await sample(server, closed)]).toEqual([before[0]! + 1, before[1]! + 1]);
  });

  it("is logged with the 400 Node sent when the client closes its side mid-body (this one still listens, to see it)", async () => {
    const socket = await halfAWebhook(server, "half-closed");
    const answer = statusLineOf(socket);
    socket.end();
    expect(await answer).toBe("HTTP/1.1 400 Bad Request");
    expect(await lineOf(server, "half-closed")).toMatchObject({ path: "/webhook", status: 400, incomplete: true, result: "bad_request" });
  });

  it("is logged with the 408 Node sent when the body trickles in past the request timeout", async () => {
    const timedOut = 'http_requests_total{path="/webhook",status="408"}';
    const before = await sample(server, timedOut);
    const socket = await halfAWebhook(server, "too-slow");
    expect(await statusLineOf(socket)).toBe("HTTP/1.1 408 Request Timeout");
    expect(await lineOf(server, "too-slow")).toMatchObject({ path: "/webhook", status: 408, incomplete: true, result: "bad_request" });
    expect(await sample(server, timedOut)).toBe(before + 1);
  });

  it("leaves a complete answer's line as it was", async () => {
    const res = await fetch(`${server.baseUrl}/stats`, { headers: { "x-request-id": "answered" } });
    await res.arrayBuffer();
    expect(await lineOf(server, "answered")).toEqual({
      request_id: "answered",
      method: "GET",
      path: "/stats",
      status: 200,
      latency_ms: expect.any(Number),
    });
  });
});

/** A store that holds every insert until told to go on, and fails the one whose text says so. */
function heldRepository(): MessageRepository & { inserts: number; release: () => void } {
  const repository = Object.assign(memoryRepository(), { inserts: 0, release: () => {} });
  const insert = repository.insertIfAbsent.bind(repository);
  const released = new Promise<void>((resolve) => (repository.release = resolve));
  repository.insertIfAbsent = async (message) => {
    repository.inserts += 1;
    if (message.text === "fail") throw new TypeError("a bug in the store");
    await released;
    return insert(message);
  };
  return repository;
}

describe("a webhook whose answer is not the usual one", () => {
  const SECRET = "held-secret";
  const messages = heldRepository();
  let app: AppOver;
  beforeAll(async () => {
    app = await appOver(messages, { secret: SECRET });
  });
  afterAll(async () => {
    messages.release();
    await app.close();
  });
  const post = (body: string, signal?: AbortSignal) =>
    fetch(`${app.baseUrl}/webhook`, { method: "POST", headers: { "content-type": "application/json", "x-signature": signBody(SECRET, body) }, body, ...(signal && { signal }) });

  it("is logged and counted with its result when its client left while the message was being stored", async () => {
    const message = aMessage({ text: "stored for no one" });
    const client = new AbortController();
    const answer = post(JSON.stringify(message), client.signal);
    for (let waited = 0; messages.inserts === 0 && waited < 5_000; waited += 10) await sleep(10);
    client.abort();
    await expect(answer).rejects.toThrow();
    await sleep(100);
    messages.release();
    for (let waited = 0; app.lines.length === 0 && waited < 5_000; waited += 10) await sleep(10);
    expect(app.lines).toEqual([
      {
        request_id: expect.any(String),
        method: "POST",
        path: "/webhook",
        status: 499,
        latency_ms: expect.any(Number),
        incomplete: true,
        message_id: message.message_id,
        dup: false,
        result: "created",
      },
    ]);
    expect(await sample(app, 'webhook_requests_total{result="created"}')).toBe(1);
    expect(await sample(app, 'http_requests_total{path="/webhook",status="499"}')).toBe(1);
  });

  it("is logged without a result when the store fails in a way it should not", async () => {
    const res = await post(JSON.stringify(aMessage({ text: "fail" })));
    expect(res.status).toBe(500);
    const id = res.headers.get("x-request-id");
    for (let waited = 0; !app.lines.some((l) => l.request_id === id) && waited < 5_000; waited += 10) await sleep(10);
    expect(app.lines.find((l) => l.request_id === id)).toEqual({
      request_id: id,
      method: "POST",
      path: "/webhook",
      status: 500,
      latency_ms: expect.any(Number),
    });
  });
});
