// GET /metrics: Prometheus text whose counters move with the requests made, labelled by route pattern.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aMessage, postRaw } from "../support/messages.js";
import { sample } from "../support/metric-sample.js";
import { SECRET, startServer, type TestServer } from "../support/server.js";

describe("metrics", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it("answers Prometheus text with the default process metrics", async () => {
    const res = await fetch(`${server.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^# TYPE http_request_duration_seconds histogram$/m);
  });

  it("counts each webhook result", async () => {
    const result = (r: string) => sample(server, `webhook_requests_total{result="${r}"}`);
    const RESULTS = ["created", "duplicate", "invalid_signature", "validation_error", "unsupported_media_type", "stale_timestamp", "too_large"];
    const before = await Promise.all(RESULTS.map(result));
    const message = aMessage();
    await server.client.ingestMessage({ body: message });
    await server.client.ingestMessage({ body: message });
    await server.client.ingestMessage({ body: aMessage() });
    await postRaw(server.baseUrl, JSON.stringify(aMessage()), { headers: { "x-signature": "00" } });
    await postRaw(server.baseUrl, "{not json", { secret: SECRET });
    await postRaw(server.baseUrl, "{}", { secret: SECRET, headers: { "content-type": "text/plain" } });
    const stale = { "webhook-id": "msg_1", "webhook-timestamp": "1000000000", "webhook-signature": "v1,AAAA" };
    await postRaw(server.baseUrl, JSON.stringify(aMessage()), { headers: stale });
    await postRaw(server.baseUrl, "x".repeat(70_000), { secret: SECRET });
    const after = await Promise.all(RESULTS.map(result));
    expect(after.map((n, i) => n - before[i]!)).toEqual([2, 1, 1, 1, 1, 1, 1]);
  });

  it("labels requests by route pattern and status, never by raw URL", async () => {
    const ok = 'http_requests_total{path="/messages",status="200"}';
    const bad = 'http_requests_total{path="/messages",status="422"}';
    const [okBefore, badBefore] = [await sample(server, ok), await sample(server, bad)];
    await fetch(`${server.baseUrl}/messages?limit=3&q=abc`);
    await fetch(`${server.baseUrl}/messages?offset=7`);
    await fetch(`${server.baseUrl}/messages?limit=0`);
    expect(await sample(server, ok)).toBe(okBefore + 2);
    expect(await sample(server, bad)).toBe(badBefore + 1);

    // Read each body to its end: a response is counted when it has been sent in full.
    for (const path of ["/random-1", "/random-2/deeper", "/docs/swagger-ui.css"]) await (await fetch(`${server.baseUrl}${path}`)).arrayBuffer();
    const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
    expect(text).not.toMatch(/random|q=abc|offset=7|swagger-ui\.css/);
    expect(text).toMatch(/^http_requests_total\{path="unmatched",status="404"\} [1-9]/m);
    expect(text).toMatch(/^http_requests_total\{path="\/docs",status="200"\} [1-9]/m);
  });

  it("times requests in the latency histogram", async () => {
    const count = 'http_request_duration_seconds_count{path="/stats"}';
    const before = await sample(server, count);
    await fetch(`${server.baseUrl}/stats`);
    await fetch(`${server.baseUrl}/stats`);
    expect(await sample(server, count)).toBe(before + 2);
    expect(await sample(server, 'http_request_duration_seconds_bucket{le="+Inf",path="/stats"}')).toBe(before + 2);
  });

  it("keeps the original assignment's request_latency_ms histogram, in milliseconds, with buckets at 100 and 500", async () => {
    const text = async () => (await fetch(`${server.baseUrl}/metrics`)).text();
    expect(await text()).toMatch(/^# TYPE request_latency_ms histogram$/m);
    const before = await sample(server, "request_latency_ms_count");
    await fetch(`${server.baseUrl}/stats`);
    await server.client.ingestMessage({ body: aMessage() });
    // The scrape itself is timed once it has been sent, so it counts in the next one.
    const after = await sample(server, "request_latency_ms_count");
    expect(after).toBeGreaterThanOrEqual(before + 2);
    expect(after).toBeLessThanOrEqual(before + 3);
    const buckets = [...(await text()).matchAll(/^request_latency_ms_bucket\{le="([^"]+)"\} (\d+)$/gm)];
    expect(buckets.map((b) => b[1])).toEqual(expect.arrayContaining(["100", "500", "+Inf"]));
    const counts = buckets.map((b) => Number(b[2]));
    expect(counts).toEqual([...counts].sort((a, b) => a - b)); // cumulative, as Prometheus reads them
    // Milliseconds, not seconds, whatever a request took on a busy machine: every request is timed in
    // both histograms at once, so within one scrape this sum is a thousand times the seconds' sum.
    const scrape = await text();
    const milliseconds = Number(/^request_latency_ms_sum (\S+)$/m.exec(scrape)![1]);
    const seconds = [...scrape.matchAll(/^http_request_duration_seconds_sum\{[^}]*\} (\S+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    expect(seconds).toBeGreaterThan(0);
    expect(milliseconds).toBeCloseTo(seconds * 1000, 6);
  });

  it("counts a webhook refused for want of a secret apart from a database outage", async () => {
    const bare = await startServer({ secrets: "" });
    try {
      await postRaw(bare.baseUrl, JSON.stringify(aMessage()));
      expect(await sample(bare, 'webhook_requests_total{result="not_configured"}')).toBe(1);
      expect(await sample(bare, 'webhook_requests_total{result="unavailable"}')).toBe(0);
      await bare.storage.close();
      const down = await startServer(); // a second app: its own registry, its own counts
      await down.storage.close();
      await down.client.ingestMessage({ body: aMessage() });
      expect(await sample(down, 'webhook_requests_total{result="unavailable"}')).toBe(1);
      await down.close().catch(() => undefined);
    } finally {
      await bare.close().catch(() => undefined);
    }
  });

  it("counts open event streams, and keeps their duration out of the latency histograms", async () => {
    const latencies = () => sample(server, "request_latency_ms_count");
    const controller = new AbortController();
    const res = await fetch(`${server.baseUrl}/messages/stream`, { signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read(); // the stream has begun
    expect(await sample(server, "event_streams_open")).toBe(1);
    controller.abort();
    await reader.closed.catch(() => undefined);
    const waited = Date.now();
    while ((await sample(server, "event_streams_open")) !== 0 && Date.now() - waited < 2_000) await new Promise((r) => setTimeout(r, 20));
    expect(await sample(server, "event_streams_open")).toBe(0);
    // Each /metrics call above is observed; the stream was not.
    const before = await latencies();
    expect(await latencies()).toBe(before + 1);
    expect(await sample(server, 'http_requests_total{path="/messages/stream",status="200"}')).toBe(1);
    const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
    expect(text).not.toContain('http_request_duration_seconds_count{path="/messages/stream"}');
  });
});
