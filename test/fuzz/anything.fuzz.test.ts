// Any method, request target and headers, sent byte for byte: never a 5xx, every 4xx is a JSON error, no internals in any body.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aMessage, keyed } from "../support/messages.js";
import { startServer, type TestServer } from "../support/server.js";
import { TIMEOUT_MS, expectErrorBody, expectNoLeak, expectNothingLogged, fuzz, headerValue, percentJunk, sendRaw, token } from "./support.js";

// What fetch refuses to send (CONNECT, TRACE, TRACK; hop-by-hop and framing headers) is out of scope, as the brief says.
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND", "SEARCH", "PURGE", "MKCOL", "LOCK", "REPORT", "QUERY", "get", "Post"];
const FORBIDDEN_HEADERS = new Set(["host", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "expect", "te", "trailer", "proxy-connection"]);
const NAMES = [
  "accept", "accept-encoding", "accept-language", "authorization", "content-type", "content-encoding", "cookie", "range", "if-none-match",
  "if-modified-since", "if-match", "origin", "referer", "x-forwarded-for", "x-forwarded-proto", "x-http-method-override", "x-request-id",
  "x-signature", "webhook-id", "webhook-timestamp", "webhook-signature", "access-control-request-method", "user-agent",
];
const VALUES = [
  "application/json", "text/html", "*/*", "gzip, br", "bytes=0-10", "bytes=999999-", "bytes=5-1", "bytes=0-0,1-1", "*", "W/\"x\"",
  "Thu, 01 Jan 2099 00:00:00 GMT", "Bearer x", "Basic Og==", "../../etc/passwd", "DELETE", "0", "-1", "99999999999999999999",
  "application/json; charset=utf-16", "a".repeat(8_000),
];

const SEGMENTS = [
  "messages", "webhook", "stats", "health", "live", "ready", "docs", "openapi.json", "swagger-ui.css", "index.html", "swagger-initializer.js",
  "favicon-16x16.png", "", ".", "..", "%2e%2e", "%2E", "%2f", "%5c", "%00", "..%2f", "%c0%ae", "MESSAGES", "Webhook", "~", "*", "%20", "\\", "package.json",
];
// node:http sends any of 0x21-0xFF in the request target unchanged; latin-1 above 0x7F reaches the server as raw bytes.
const targetChar = fc.oneof(fc.integer({ min: 0x21, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff })).map((c) => String.fromCharCode(c));
const segment = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SEGMENTS) },
  percentJunk,
  fc.string({ unit: targetChar, maxLength: 12 }),
  fc.integer({ min: 200, max: 12_000 }).map((n) => "a".repeat(n)),
);
const target = fc.oneof(
  { weight: 10, arbitrary: fc.tuple(fc.array(segment, { minLength: 1, maxLength: 6 }), fc.option(fc.string({ unit: targetChar, maxLength: 30 }))).map(([segs, query]) => `/${segs.join("/")}${query === null ? "" : `?${query}`}`) },
  fc.constantFrom("*", "http://evil.example/messages", "//messages", "/\\messages", "/messages?limit=5#frag", "/docs/../../../etc/passwd", "/docs/%2e%2e/%2e%2e/package.json"),
);

const header = fc.tuple(
  fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...NAMES) }, token(20)).filter((n) => !FORBIDDEN_HEADERS.has(n.toLowerCase())),
  fc.oneof(fc.constantFrom(...VALUES), headerValue),
);

describe("anything else, fuzzed", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
    for (let i = 0; i < 3; i++) await server.storage.messages.insertIfAbsent(keyed(aMessage({ text: `seed ${i}` })));
  });
  afterAll(() => server?.close());

  it(
    "never answers 5xx; every 4xx is a JSON error (HEAD: no body); no stack trace, source path or dependency path anywhere",
    () =>
      fuzz(
        fc.asyncProperty(
          fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...METHODS) }, token(10).filter((m) => !["CONNECT", "TRACE", "TRACK"].includes(m.toUpperCase()))),
          target,
          fc.array(header, { maxLength: 5 }),
          fc.option(fc.uint8Array({ maxLength: 200 })),
          async (method, path, headers, body) => {
            const withBody = body !== null && !["GET", "HEAD"].includes(method.toUpperCase());
            const reply = await sendRaw(server.baseUrl, method, path, headers, withBody ? body : undefined);
            const what = `${method} ${path.slice(0, 200)} → ${reply.status} ${reply.text.slice(0, 200)}`;
            expect(reply.status, what).toBeLessThan(500);
            expectNoLeak(reply);
            expectNothingLogged(server);
            if (method === "HEAD") expect(reply.text, what).toBe("");
            if (reply.status < 400) return;
            if (method === "HEAD") expect(reply.contentType, what).toMatch(/^application\/json\b/i);
            else expectErrorBody(reply);
          },
        ),
      ),
    TIMEOUT_MS,
  );

  // Counterexamples the property found (a 0x80 byte or a 20 KB target that Node itself refuses; swagger-ui-express's
  // own text/plain 404 for any path ending in /package.json), kept so they are checked on every run, not by luck.
  it.each([
    { method: "HEAD", path: "/messages?\x80", label: "raw 400 to HEAD: no body" },
    { method: "HEAD", path: `/${"a".repeat(20_000)}`, label: "raw 431 to HEAD: no body" },
    { method: "GET", path: "/docs/package.json", label: "/docs/package.json: JSON 404" },
    { method: "GET", path: "/docs/%2e%2e/%2e%2e/package.json", label: "/docs/%2e%2e/%2e%2e/package.json: JSON 404" },
    { method: "GET", path: "/docs/x/package.json", label: "/docs/x/package.json: JSON 404" },
    { method: "GET", path: "/docs/package.json?x=1", label: "/docs/package.json?x=1: JSON 404" },
  ])("$label", async ({ method, path }) => {
    const reply = await sendRaw(server.baseUrl, method, path, []);
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(reply.status).toBeLessThan(500);
    if (method === "HEAD") expect(reply.text).toBe("");
    else expectErrorBody(reply);
  });

  it("logged no server-side error throughout", () => {
    expectNothingLogged(server);
  });
});
