// GET /messages and /stats skip express (direct-routes.ts): every spelling express would route answers as express would, HEAD still through express.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aMessage } from "../support/messages.js";
import { startServer, type TestServer } from "../support/server.js";

/** Headers that differ between any two answers, whoever sends them. */
const PER_ANSWER = new Set(["date", "x-request-id", "content-length", "keep-alive", "connection"]);
const headerNames = (res: Response) => [...res.headers.keys()].filter((name) => !PER_ANSWER.has(name)).sort();

describe("GET /messages and /stats, every spelling", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
    for (const from of ["+14155550100", "+14155550101"]) {
      const res = await server.client.ingestMessage({ body: aMessage({ from }) });
      expect(res.status).toBe(200);
    }
  });
  afterAll(() => server.close());

  it.each(["/messages", "/messages/", "/MESSAGES", "/Messages/?limit=1", "/stats", "/STATS/", "/stats?ignored=1"])(
    "%s answers 200 with the headers express gives, and is logged as sent",
    async (path) => {
      const express = await fetch(`${server.baseUrl}/health/live`);
      server.requestLines.length = 0;
      const res = await fetch(`${server.baseUrl}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      expect(headerNames(res)).toEqual(headerNames(express));
      const body = (await res.json()) as { total?: number; total_messages?: number };
      expect(body.total ?? body.total_messages).toBe(2);
      expect(server.requestLines).toEqual([expect.objectContaining({ method: "GET", path: path.split("?")[0], status: 200 })]);
    },
  );

  it.each(["/messages?limit=1", "/messages?from=%2B14155550101", "/stats"])("HEAD %s (through express) announces the very bytes GET sends", async (path) => {
    const got = await fetch(`${server.baseUrl}${path}`);
    const bytes = Buffer.from(await got.arrayBuffer());
    const head = await fetch(`${server.baseUrl}${path}`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(headerNames(head)).toEqual(headerNames(got));
    expect(Number(head.headers.get("content-length"))).toBe(bytes.length);
  });

  it("reads the query as express did: values decoded, a repeat named, an undecodable escape refused", async () => {
    const one = await fetch(`${server.baseUrl}/messages?from=%2B14155550101&limit=5`);
    expect(((await one.json()) as { data: { from: string }[] }).data.map((m) => m.from)).toEqual(["+14155550101"]);
    for (const [path, message] of [
      ["/messages?limit=1&limit=2", "limit is repeated: give it once"],
      ["/messages?limit=0", expect.stringMatching(/^limit /)],
      ["/messages?q=%ff", "query has a %-escape that does not decode to UTF-8 text"],
      ["/stats?x=%E0%A4", "query has a %-escape that does not decode to UTF-8 text"],
    ] as const) {
      const res = await fetch(`${server.baseUrl}${path}`);
      expect(res.status, path).toBe(422);
      expect(await res.json(), path).toEqual({ detail: "validation failed", errors: [expect.objectContaining({ message })] });
    }
  });

  it("leaves every other method on these paths to express: 405 with Allow, 204 to OPTIONS", async () => {
    const post = await fetch(`${server.baseUrl}/stats`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
    const options = await fetch(`${server.baseUrl}/messages/`, { method: "OPTIONS" });
    expect(options.status).toBe(204);
  });
});

describe("GET /messages and /stats with the database gone", () => {
  it("answer 503 without internals, and log the fault", async () => {
    const server = await startServer();
    try {
      await server.storage.close();
      for (const path of ["/messages", "/stats"]) {
        const res = await fetch(`${server.baseUrl}${path}`);
        expect(res.status, path).toBe(503);
        expect(await res.json()).toEqual({ detail: "database unavailable" });
      }
      expect(server.loggedErrors.length).toBeGreaterThan(0);
    } finally {
      await server.close().catch(() => undefined);
    }
  });
});
