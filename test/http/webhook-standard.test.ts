// POST /webhook under Standard Webhooks: HMAC of "<id>.<timestamp>.<body>", v1 entries, replay window.
import { createHmac, randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { signStandard, signingKey } from "../../src/contracts/signature.js";
import { aMessage } from "../support/messages.js";
import { SECRET, startServer, type TestServer } from "../support/server.js";
import { expectNoErrorsLogged, expectRefused, json, rawPost, stored } from "./webhook-support.js";

const NOW = 1_736_935_200; // 2025-01-15T10:00:00Z: a fixed server clock

/** Computed here with node:crypto, independently of the code under test. */
const hmacBase64 = (key: string | Buffer, content: string) =>
  createHmac("sha256", key).update(content, "utf8").digest("base64");
const v1 = (key: string | Buffer, id: string, timestamp: number | string, body: string) =>
  `v1,${hmacBase64(key, `${id}.${timestamp}.${body}`)}`;

const headers = (id: string, timestamp: number | string, signature: string) => ({
  "content-type": "application/json",
  "webhook-id": id,
  "webhook-timestamp": String(timestamp),
  "webhook-signature": signature,
});

const without = (h: Record<string, string>, name: string) =>
  Object.fromEntries(Object.entries(h).filter(([key]) => key !== name));

async function expectAccepted(server: TestServer, body: string, h: Record<string, string>, messageId: string) {
  const res = await rawPost(server.baseUrl, body, h);
  expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { status: "ok" } });
  expect((await stored(server, messageId))?.message_id).toBe(messageId);
}

describe("Standard Webhooks with a plain secret and a fixed clock", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ nowSeconds: () => NOW });
  });
  afterAll(() => server.close());
  afterEach(() => expectNoErrorsLogged(server));

  it("accepts a signature computed independently with node:crypto", async () => {
    const m = aMessage();
    const body = json(m);
    await expectAccepted(server, body, headers("msg_1", NOW, v1(SECRET, "msg_1", NOW, body)), m.message_id);
  });

  it("accepts a signature from signStandard, which agrees with node:crypto", async () => {
    const m = aMessage();
    const body = json(m);
    const signature = signStandard(signingKey(SECRET), "msg_2", NOW, Buffer.from(body));
    expect(signature).toBe(v1(SECRET, "msg_2", NOW, body));
    await expectAccepted(server, body, headers("msg_2", NOW, signature), m.message_id);
  });

  it("accepts several space-separated entries when one of them is right", async () => {
    const m = aMessage();
    const body = json(m);
    const entries = [v1("other", "msg_3", NOW, body), "v2,abc", v1(SECRET, "msg_3", NOW, body), "v1,AAAA"].join(" ");
    await expectAccepted(server, body, headers("msg_3", NOW, entries), m.message_id);
  });

  it.each([
    ["exactly the tolerance in the past", NOW - 300],
    ["exactly the tolerance in the future", NOW + 300],
  ])("accepts a timestamp %s", async (_name, timestamp) => {
    const m = aMessage();
    const body = json(m);
    await expectAccepted(server, body, headers("msg_4", timestamp, v1(SECRET, "msg_4", timestamp, body)), m.message_id);
  });

  it.each([
    ["10 minutes old", NOW - 600],
    ["one second beyond the tolerance", NOW - 301],
    ["10 minutes in the future", NOW + 600],
    ["at the epoch", 0],
  ])("refuses a correctly signed request whose timestamp is %s", async (_name, timestamp) => {
    const body = json(aMessage());
    const h = headers("msg_5", timestamp, v1(SECRET, "msg_5", timestamp, body));
    await expectRefused(server, () => rawPost(server.baseUrl, body, h), 401);
  });

  const wrong: [string, (body: string) => Record<string, string>][] = [
    ["signed with another secret", (b) => headers("msg_6", NOW, v1("other", "msg_6", NOW, b))],
    ["signed for another webhook-id", (b) => headers("msg_7", NOW, v1(SECRET, "msg_other", NOW, b))],
    ["signed for another timestamp", (b) => headers("msg_8", NOW, v1(SECRET, "msg_8", NOW - 1, b))],
    ["signed over the body alone", (b) => headers("msg_9", NOW, `v1,${hmacBase64(SECRET, b)}`)],
    ["the right signature labelled v2", (b) => headers("msg_10", NOW, v1(SECRET, "msg_10", NOW, b).replace("v1,", "v2,"))],
    ["an empty signature", () => headers("msg_11", NOW, "")],
    ["an empty webhook-id", (b) => headers("", NOW, v1(SECRET, "", NOW, b))],
    ["no webhook-id header", (b) => without(headers("m15", NOW, v1(SECRET, "m15", NOW, b)), "webhook-id")],
    ["no webhook-timestamp header", (b) => without(headers("m16", NOW, v1(SECRET, "m16", NOW, b)), "webhook-timestamp")],
    ["a non-numeric timestamp", (b) => headers("msg_12", "soon", v1(SECRET, "msg_12", "soon", b))],
  ];

  it.each(wrong)("refuses with 401: %s", async (_name, make) => {
    const body = json(aMessage());
    await expectRefused(server, () => rawPost(server.baseUrl, body, make(body)), 401);
  });

  it("refuses a wrong signature with the spec's detail", async () => {
    const body = json(aMessage());
    const h = headers("msg_13", NOW, v1("other", "msg_13", NOW, body));
    await expectRefused(server, () => rawPost(server.baseUrl, body, h), 401, "invalid signature");
  });

  it("refuses a correctly signed body altered in transit", async () => {
    const m = aMessage();
    const signed = json(m);
    const sent = json({ ...m, text: "tampered" });
    const h = headers("msg_14", NOW, v1(SECRET, "msg_14", NOW, signed));
    await expectRefused(server, () => rawPost(server.baseUrl, sent, h), 401, "invalid signature");
  });
});

describe("Standard Webhooks with a whsec_ secret and the real clock", () => {
  const keyBytes = randomBytes(24);
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ secrets: `whsec_${keyBytes.toString("base64")}` });
  });
  afterAll(() => server.close());
  afterEach(() => expectNoErrorsLogged(server));

  const now = () => Math.floor(Date.now() / 1000);

  it("accepts a signature keyed with the decoded bytes and the current time", async () => {
    const m = aMessage();
    const body = json(m);
    const t = now();
    await expectAccepted(server, body, headers("msg_a", t, v1(keyBytes, "msg_a", t, body)), m.message_id);
  });

  it("refuses one keyed with the literal whsec_ string", async () => {
    const body = json(aMessage());
    const t = now();
    const h = headers("msg_b", t, v1(`whsec_${keyBytes.toString("base64")}`, "msg_b", t, body));
    await expectRefused(server, () => rawPost(server.baseUrl, body, h), 401, "invalid signature");
  });

  it.each([-600, 600])("refuses a timestamp %i seconds from now", async (offset) => {
    const body = json(aMessage());
    const t = now() + offset;
    const h = headers("msg_c", t, v1(keyBytes, "msg_c", t, body));
    await expectRefused(server, () => rawPost(server.baseUrl, body, h), 401);
  });
});
