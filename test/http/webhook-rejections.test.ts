// POST /webhook gates around the signature, in order: no secret 503, too large 413, then (after the 401) not JSON 415.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { aMessage, signBody } from "../support/messages.js";
import { SECRET, startServer, type TestServer } from "../support/server.js";
import {
  chunked,
  expectError,
  expectNoErrorsLogged,
  expectRefused,
  json,
  rawPost,
  signedJson,
  stored,
  storedTotal,
  toRaw,
} from "./webhook-support.js";

const LIMIT = 64 * 1024;

/** A valid message, padded with an ignored field to exactly `bytes` bytes. */
function paddedTo(bytes: number): { id: string; body: string } {
  const m = aMessage();
  const base = json({ ...m, pad: "" });
  const body = base.replace('"pad":""', `"pad":"${"x".repeat(bytes - Buffer.byteLength(base))}"`);
  expect(Buffer.byteLength(body)).toBe(bytes);
  return { id: m.message_id, body };
}

describe.each(["", " , "])("no webhook secret configured (WEBHOOK_SECRET=%j)", (secrets) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ secrets });
  });
  afterAll(() => server.close());
  afterEach(() => expectNoErrorsLogged(server));

  it("answers 503 to a well-formed message from the typed client", async () => {
    const res = await server.client.ingestMessage({ body: aMessage() });
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ detail: "webhook secret not configured" });
  });

  const message = json(aMessage());
  it.each([
    ["unsigned", message, { "content-type": "application/json" }],
    ["signed with some secret", message, signedJson(message, "some-secret")],
    ["oversize", paddedTo(LIMIT + 1).body, { "content-type": "application/json" }],
    ["oversize, text/plain", paddedTo(2 * LIMIT).body, { "content-type": "text/plain" }],
    ["not JSON at all", "{oops", { "content-type": "application/json" }],
  ])("answers 503 before any other check: %s", async (_name, body, headers) => {
    const res = await expectRefused(server, () => rawPost(server.baseUrl, body, headers), 503, "webhook secret not configured");
    // Not a wait that passes: only an operator's configuration ends it.
    expect(res.retryAfter).toBeNull();
    expect(await storedTotal(server)).toBe(0);
  });

  it("is not ready", async () => {
    const res = await server.client.ready();
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: "not ready", reason: "webhook secret not configured" });
  });
});

describe("body size limit (default 64 KiB)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());
  afterEach(() => expectNoErrorsLogged(server));

  it("refuses a correctly signed body one byte over the limit with 413, stating the limit in bytes", async () => {
    const { body } = paddedTo(LIMIT + 1);
    await expectRefused(server, () => rawPost(server.baseUrl, body, signedJson(body)), 413, `request body too large: the limit is ${LIMIT} bytes`);
  });

  it("refuses a 1 MiB body with 413", async () => {
    const { body } = paddedTo(1024 * 1024);
    await expectRefused(server, () => rawPost(server.baseUrl, body, signedJson(body)), 413);
  });

  it("accepts a signed body of exactly the limit", async () => {
    const { id, body } = paddedTo(LIMIT);
    const res = await rawPost(server.baseUrl, body, signedJson(body));
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { status: "ok" } });
    expect((await stored(server, id))?.message_id).toBe(id);
  });

  it("checks size before content type: oversize text/plain is 413, not 415", async () => {
    const { body } = paddedTo(LIMIT + 1);
    await expectRefused(server, () => rawPost(server.baseUrl, body, { "content-type": "text/plain" }), 413);
  });

  it("checks size before the signature: oversize unsigned is 413, not 401", async () => {
    const { body } = paddedTo(LIMIT + 100);
    await expectRefused(server, () => rawPost(server.baseUrl, body, { "content-type": "application/json" }), 413);
  });

  it("refuses an oversize chunked upload that declares no Content-Length", async () => {
    const { body } = paddedTo(3 * LIMIT);
    const send = () => rawPost(server.baseUrl, chunked(Buffer.from(body)), signedJson(body));
    await expectRefused(server, send, 413);
  });

  it("accepts a signed chunked upload under the limit", async () => {
    const { id, body } = paddedTo(LIMIT - 10);
    const res = await rawPost(server.baseUrl, chunked(Buffer.from(body)), signedJson(body));
    expect(res.status).toBe(200);
    expect((await stored(server, id))?.message_id).toBe(id);
  });
});

describe("body size limit set to 1000 bytes", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ maxBodyBytes: 1000 });
  });
  afterAll(() => server.close());
  afterEach(() => expectNoErrorsLogged(server));

  it("refuses 1001 bytes with 413, stating this limit", async () => {
    const { body } = paddedTo(1001);
    await expectRefused(server, () => rawPost(server.baseUrl, body, signedJson(body)), 413, "request body too large: the limit is 1000 bytes");
  });

  it("accepts exactly 1000 bytes", async () => {
    const { id, body } = paddedTo(1000);
    const res = await rawPost(server.baseUrl, body, signedJson(body));
    expect(res.status).toBe(200);
    expect((await stored(server, id))?.message_id).toBe(id);
  });
});

describe("content type", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());
  afterEach(() => expectNoErrorsLogged(server));

  it.each(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonp"])(
    "refuses a correctly signed body sent as %s with 415",
    async (type) => {
      const body = json(aMessage());
      const headers = { ...signedJson(body), "content-type": type };
      await expectRefused(server, () => rawPost(server.baseUrl, body, headers), 415);
    },
  );

  it.each([
    ["no Content-Type header", {}],
    ["an empty Content-Type header", { "content-type": "" }],
  ])("reads a correctly signed body with %s as JSON and stores it", async (_name, type: Record<string, string>) => {
    const m = aMessage();
    const body = json(m);
    const res = await rawPost(server.baseUrl, Buffer.from(body), { "x-signature": signBody(SECRET, body), ...type });
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { status: "ok" } });
    expect(await stored(server, m.message_id)).toEqual(m);
  });

  it("answers 422 to a correctly signed non-JSON body without Content-Type", async () => {
    const body = "not json";
    const send = () => rawPost(server.baseUrl, Buffer.from(body), { "x-signature": signBody(SECRET, body) });
    await expectRefused(server, send, 422);
  });

  it.each(["text/plain", "application/x-www-form-urlencoded", "application/vnd.api+json", "application/json-patch+json"])(
    "checks the signature before the content type: unsigned %s is 401, not 415",
    async (type) => {
      await expectRefused(server, () => rawPost(server.baseUrl, json(aMessage()), { "content-type": type }), 401);
    },
  );

  it("checks the signature before the content type: wrongly signed text/plain is 401", async () => {
    const body = json(aMessage());
    const headers = { ...signedJson(body, "some-other-secret"), "content-type": "text/plain" };
    await expectRefused(server, () => rawPost(server.baseUrl, body, headers), 401);
  });

  it("checks the signature before the content encoding: unsigned gzip is 401, signed gzip is 415", async () => {
    const body = json(aMessage());
    const gzip = { "content-encoding": "gzip" };
    await expectRefused(server, () => rawPost(server.baseUrl, body, { "content-type": "application/json", ...gzip }), 401);
    await expectRefused(server, () => rawPost(server.baseUrl, body, { ...signedJson(body), ...gzip }), 415);
  });

  it.each(["application/json; charset=utf-8", "Application/JSON"])("accepts %s", async (type) => {
    const m = aMessage();
    const body = json(m);
    const res = await rawPost(server.baseUrl, body, { ...signedJson(body), "content-type": type });
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { status: "ok" } });
    expect(await stored(server, m.message_id)).toEqual(m);
  });

  it("refuses an unsigned one-byte body without Content-Type with 401", async () => {
    await expectRefused(server, () => rawPost(server.baseUrl, Buffer.from("x"), {}), 401);
  });
});

describe("other methods on /webhook", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());
  afterEach(() => expectNoErrorsLogged(server));

  it.each(["GET", "PUT", "PATCH", "DELETE"])("answers %s with a JSON 404 or 405 and stores nothing", async (method) => {
    const before = await storedTotal(server);
    const body = method === "GET" ? undefined : json(aMessage());
    const headers = body ? signedJson(body) : {};
    const res = await toRaw(await fetch(`${server.baseUrl}/webhook`, { method, headers, body }));
    expect([404, 405]).toContain(res.status);
    expectError(res, res.status);
    expect(await storedTotal(server)).toBe(before);
  });
});
