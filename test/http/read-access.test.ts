// READ_API_TOKEN: the read API wants a bearer token when one is set; health, docs and webhook stay open.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../src/contracts/client.js";
import { aMessage } from "../support/messages.js";
import { SECRET, startServer, type TestServer } from "../support/server.js";

const get = async (server: TestServer, path: string, authorization?: string) => {
  const res = await fetch(`${server.baseUrl}${path}`, { headers: authorization ? { authorization } : {} });
  return { status: res.status, body: await res.json(), challenge: res.headers.get("www-authenticate") };
};

describe("read API with READ_API_TOKEN set", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ readTokens: "current-token, next-token" });
    await server.client.ingestMessage({ body: aMessage() });
  });
  afterAll(() => server.close());

  it.each(["/messages", "/stats", "/deliveries"])("%s answers 401 JSON with a challenge without a token", async (path) => {
    const res = await get(server, path);
    expect(res).toEqual({ status: 401, body: { detail: "missing or invalid bearer token" }, challenge: expect.stringMatching(/^Bearer/) });
  });

  it.each([
    ["a wrong token", "Bearer wrong-token"],
    ["a token that is a prefix of the real one", "Bearer current"],
    ["the right token in another scheme", "Basic current-token"],
    ["the scheme alone", "Bearer"],
    ["both tokens at once", "Bearer current-token,next-token"],
  ])("refuses %s", async (_, authorization) => {
    expect((await get(server, "/messages", authorization)).status).toBe(401);
  });

  it.each(["current-token", "next-token"])("accepts each configured token (%s), scheme in any case", async (token) => {
    expect((await get(server, "/messages", `Bearer ${token}`)).status).toBe(200);
    expect((await get(server, "/stats", `bearer ${token}`)).status).toBe(200);
    expect((await get(server, "/deliveries", `Bearer ${token}`)).status).toBe(200);
  });

  it("checks the token before the query, so a stranger learns nothing from 422s", async () => {
    expect((await get(server, "/messages?limit=0")).status).toBe(401);
    expect((await get(server, "/messages?limit=0", "Bearer current-token")).status).toBe(422);
    expect((await get(server, "/deliveries?result=nope")).status).toBe(401);
    expect((await get(server, "/deliveries?result=nope", "Bearer current-token")).status).toBe(422);
  });

  it("leaves health, docs and the webhook open", async () => {
    expect((await get(server, "/health/live")).status).toBe(200);
    expect((await get(server, "/health/ready")).status).toBe(200);
    expect((await get(server, "/openapi.json")).status).toBe(200);
    const posted = await createClient({ baseUrl: server.baseUrl, secret: SECRET }).ingestMessage({ body: aMessage() });
    expect(posted.status).toBe(200);
  });

  it("is supported by the typed client", async () => {
    const page = await server.client.listMessages({ query: {} });
    expect(page.status).toBe(200);
    if (page.status === 200) expect(page.body.total).toBe(2);
    const anonymous = await createClient({ baseUrl: server.baseUrl, validateResponse: true }).getStats();
    expect(anonymous.status).toBe(401);
  });
});

describe("read API without READ_API_TOKEN", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it("is open, and ignores an Authorization header", async () => {
    expect((await get(server, "/messages")).status).toBe(200);
    expect((await get(server, "/stats", "Bearer anything")).status).toBe(200);
    expect((await get(server, "/deliveries", "Bearer anything")).status).toBe(200);
  });
});
