// Error answers everywhere: 404/405 as JSON, malformed URLs as 4xx JSON, no internals, no x-powered-by.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RETRY_AFTER_SECONDS } from "../../src/contracts/contract-parts.js";
import { SECRET, startServer, type TestServer } from "../support/server.js";
import { postRaw } from "../support/messages.js";

const LEAKS = ["    at ", ".ts:", "node_modules", "SQLITE", "select ", "Error:", SECRET];

async function call(server: TestServer, path: string, method = "GET") {
  const res = await fetch(`${server.baseUrl}${path}`, { method });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text; // left as text: a test asserting JSON will say so
  }
  return { status: res.status, headers: res.headers, text, body };
}

function expectJsonError(res: Awaited<ReturnType<typeof call>>) {
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  expect(res.body).toEqual(expect.objectContaining({ detail: expect.any(String) }));
  for (const leak of LEAKS) expect(res.text).not.toContain(leak);
}

describe("errors", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it.each(["/nope", "/messages/extra", "/health", "/docs-not", "/openapi.yaml", "/%ZZ", "/messages/%ZZ", "/%E0%A4%A"])(
    "unknown route %s → 404 JSON",
    async (path) => {
      const res = await call(server, path);
      expect(res.status).toBe(404);
      expectJsonError(res);
    },
  );

  it.each([
    ["DELETE", "/messages", "GET"],
    ["POST", "/messages", "GET"],
    ["GET", "/webhook", "POST"],
    ["PUT", "/webhook", "POST"],
    ["PUT", "/stats", "GET"],
    ["POST", "/deliveries", "GET"],
    ["DELETE", "/messages/", "GET"],
    ["POST", "/health/live", "GET"],
    ["POST", "/health/ready", "GET"],
    ["PATCH", "/openapi.json", "GET"],
  ])("%s %s → 405 JSON with an Allow header listing %s", async (method, path, allowed) => {
    const res = await call(server, path, method);
    expect(res.status).toBe(405);
    expectJsonError(res);
    const allow = (res.headers.get("allow") ?? "").split(",").map((m) => m.trim());
    expect(allow).toContain(allowed);
    expect(allow).not.toContain(method);
  });

  it.each(["/docs/%ZZ", "/docs/%E0%A4%A", "/health/%ZZ"])("malformed percent-encoding in path %s → 4xx JSON", async (path) => {
    const res = await call(server, path);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expectJsonError(res);
  });

  // q is searched for as given, so a query that cannot be decoded must be refused rather than guessed at.
  it.each(["q=%E0%A4%A", "q=%ZZ", "since=%ZZ", "from=%2B91%ZZ", "limit=%ZZ"])(
    "malformed percent-encoding in query ?%s → 4xx JSON, never 500",
    async (query) => {
      const res = await call(server, `/messages?${query}`);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expectJsonError(res);
    },
  );

  it("answers a long query string that fits the header limit normally", async () => {
    const res = await call(server, `/messages?colour=${"a".repeat(8_000)}&limit=2`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ limit: 2, offset: 0 });
  });

  it("refuses a very long query string without a 500", async () => {
    const res = await call(server, `/messages?q=${"a".repeat(100_000)}`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    for (const leak of LEAKS) expect(res.text).not.toContain(leak);
  });

  it("leaks no stack trace, path or SQL in webhook errors either", async () => {
    const unsigned = await postRaw(server.baseUrl, "{}", { headers: { "x-signature": "00" } });
    expect(unsigned.status).toBe(401);
    const notJson = await postRaw(server.baseUrl, "{not json", { secret: SECRET });
    expect(notJson.status).toBe(422);
    for (const res of [unsigned, notJson]) {
      const text = JSON.stringify(res.body);
      expect(res.body).toEqual(expect.objectContaining({ detail: expect.any(String) }));
      for (const leak of LEAKS) expect(text).not.toContain(leak);
    }
  });

  it.each([
    ["/messages", 200],
    ["/stats", 200],
    ["/nope", 404],
    ["/messages?limit=0", 422],
    ["/docs", 200],
  ])("omits x-powered-by on %s", async (path, status) => {
    const res = await call(server, path);
    expect(res.status).toBe(status);
    expect(res.headers.get("x-powered-by")).toBeNull();
  });
});

describe("errors when the database is unavailable", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
    await server.storage.close();
  });
  afterAll(() => server.close());

  it.each(["/messages", "/messages?q=x&from=%2B15550000001", "/stats", "/deliveries", "/deliveries?result=conflict&cursor=ZDQx", "/messages/export", "/messages/stream"])(
    "GET %s → 503 JSON without internals, and Retry-After",
    async (path) => {
      const res = await call(server, path);
      expect(res.status).toBe(503);
      expectJsonError(res);
      expect(res.headers.get("retry-after")).toBe(String(RETRY_AFTER_SECONDS));
    },
  );

  it("logs the failure instead of showing it", async () => {
    const before = server.loggedErrors.length;
    expect((await call(server, "/stats")).status).toBe(503);
    expect(server.loggedErrors.length).toBeGreaterThan(before);
  });

  it("the typed client sees the declared 503", async () => {
    const res = await server.client.listMessages({ query: {} });
    expect(res.status).toBe(503);
  });
});
