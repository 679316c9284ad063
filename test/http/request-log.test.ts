// The request log: one line per request, a request id echoed back, and nothing secret or personal in it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aMessage, postRaw } from "../support/messages.js";
import { SECRET, startServer, type TestServer } from "../support/server.js";

describe("request log", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());
  const lastLine = () => server.requestLines.at(-1) as Record<string, unknown>;

  it("writes one line per request with id, method, path (without the query), status and latency", async () => {
    const before = server.requestLines.length;
    const res = await fetch(`${server.baseUrl}/messages?limit=2&q=secret-words`);
    expect(server.requestLines.length).toBe(before + 1);
    expect(lastLine()).toEqual({
      request_id: res.headers.get("x-request-id"),
      method: "GET",
      path: "/messages",
      status: 200,
      latency_ms: expect.any(Number),
    });
    expect(JSON.stringify(lastLine())).not.toContain("secret-words");
  });

  it("keeps a usable X-Request-Id from the caller and replaces an unusable one", async () => {
    const kept = await fetch(`${server.baseUrl}/stats`, { headers: { "x-request-id": "trace-42.a:b" } });
    expect(kept.headers.get("x-request-id")).toBe("trace-42.a:b");
    expect(lastLine().request_id).toBe("trace-42.a:b");
    const replaced = await fetch(`${server.baseUrl}/stats`, { headers: { "x-request-id": "evil\tid {json}" } });
    expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(lastLine().request_id).toBe(replaced.headers.get("x-request-id"));
  });

  it("adds message_id, dup and result for webhooks, and never the text, signature or secret", async () => {
    const message = aMessage({ text: "a private note" });
    await server.client.ingestMessage({ body: message });
    expect(lastLine()).toMatchObject({ path: "/webhook", status: 200, message_id: message.message_id, dup: false, result: "created" });
    await server.client.ingestMessage({ body: message });
    expect(lastLine()).toMatchObject({ message_id: message.message_id, dup: true, result: "duplicate" });
    const raw = JSON.stringify(aMessage({ text: "another private note" }));
    const refused = await postRaw(server.baseUrl, raw, { headers: { "x-signature": "ab".repeat(32) } });
    expect(refused.status).toBe(401);
    expect(lastLine()).toMatchObject({ status: 401, result: "invalid_signature" });
    const all = JSON.stringify(server.requestLines);
    for (const leak of ["private note", SECRET, "ab".repeat(32), "x-signature"]) expect(all).not.toContain(leak);
  });

  it("logs error answers too, with their request id in the response", async () => {
    const res = await fetch(`${server.baseUrl}/nowhere`);
    expect(res.status).toBe(404);
    expect(lastLine()).toMatchObject({ path: "/nowhere", status: 404, request_id: res.headers.get("x-request-id") });
  });

  it("logs the path as requested, not a route pattern, and never its query", async () => {
    await (await fetch(`${server.baseUrl}/docs/swagger-ui.css?v=secret-words`)).arrayBuffer();
    expect(lastLine()).toMatchObject({ method: "GET", path: "/docs/swagger-ui.css", status: 200 });
    await fetch(`${server.baseUrl}/Messages/?q=secret-words`);
    expect(lastLine()).toMatchObject({ path: "/Messages/", status: 200 });
    expect(lastLine()).not.toHaveProperty("route");
    expect(JSON.stringify(server.requestLines)).not.toContain("secret-words");
  });

  it("logs an event stream once its client leaves, with how long it lasted", async () => {
    const controller = new AbortController();
    const res = await fetch(`${server.baseUrl}/messages/stream?q=secret-words`, { signal: controller.signal });
    await res.body!.getReader().read();
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    const id = res.headers.get("x-request-id");
    const waited = Date.now();
    const line = () => server.requestLines.find((l) => (l as Record<string, unknown>).request_id === id);
    while (line() === undefined && Date.now() - waited < 2_000) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(line()).toEqual({ request_id: id, method: "GET", path: "/messages/stream", status: 200, latency_ms: expect.any(Number) });
    expect((line() as { latency_ms: number }).latency_ms).toBeGreaterThanOrEqual(100);
  });
});
