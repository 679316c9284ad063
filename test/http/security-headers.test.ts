// Response hygiene: helmet's headers on every answer, no x-powered-by, and docs that still load under the CSP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../support/server.js";

describe("security headers", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it.each(["/health/live", "/messages", "/nope", "/docs", "/openapi.json"])("%s carries them", async (path) => {
    const res = await fetch(`${server.baseUrl}${path}`);
    expect(res.headers.get("x-powered-by")).toBeNull();
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
  });

  it("keeps the Swagger UI page loadable over plain HTTP: no upgrade of its assets, no inline scripts", async () => {
    const res = await fetch(`${server.baseUrl}/docs`);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).not.toContain("upgrade-insecure-requests");
    const html = await res.text();
    const inlineScripts = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].filter(([, body]) => body!.trim());
    expect(inlineScripts).toEqual([]);
  });

  it("answers a webhook rejection with the same headers", async () => {
    const res = await fetch(`${server.baseUrl}/webhook`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(401);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });
});
