// Response hygiene: the API's short set of security headers on every answer, helmet's on the Swagger UI pages, no x-powered-by, and docs that still load under the CSP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../support/server.js";

describe("security headers", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  /** Headers helmet adds for pages, which data answers do without. */
  const PAGE_ONLY = ["referrer-policy", "x-dns-prefetch-control", "x-download-options", "x-xss-protection", "origin-agent-cluster", "x-permitted-cross-domain-policies", "cross-origin-opener-policy"];

  it.each(["/health/live", "/messages", "/stats", "/deliveries", "/metrics", "/nope", "/openapi.json", "/docsx"])(
    "%s carries the API's set, after OWASP's REST cheat sheet, and none of the page headers",
    async (path) => {
      const res = await fetch(`${server.baseUrl}${path}`);
      expect(res.headers.get("x-powered-by")).toBeNull();
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers.get("cross-origin-resource-policy")).toBe("same-origin");
      expect(res.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      for (const name of PAGE_ONLY) expect(res.headers.get(name), name).toBeNull();
    },
  );

  it.each(["/docs", "/docs/", "/DOCS", "/docs/swagger-ui.css", "/docs/no-such-asset"])("%s carries helmet's headers for a page", async (path) => {
    const res = await fetch(`${server.baseUrl}${path}`);
    expect(res.headers.get("x-powered-by")).toBeNull();
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("content-security-policy")).toMatch(/^default-src 'self';.*script-src 'self'/);
    expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin");
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
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers.get("x-xss-protection")).toBeNull();
  });
});
