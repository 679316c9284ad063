// POST /webhook under Standard Webhooks v1a: Ed25519 over "<id>.<timestamp>.<body>", checked with WEBHOOK_PUBLIC_KEYS.
import { createHmac } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { secretKey, signStandardV1a } from "../../src/contracts/signature.js";
import { aMessage } from "../support/messages.js";
import { keyPair, v1a } from "../support/ed25519.js";
import { startServer, type TestServer } from "../support/server.js";
import { expectNoErrorsLogged, expectRefused, json, rawPost, stored } from "./webhook-support.js";

const NOW = 1_736_935_200; // a fixed server clock

const headers = (id: string, timestamp: number | string, signature: string) => ({
  "content-type": "application/json",
  "webhook-id": id,
  "webhook-timestamp": String(timestamp),
  "webhook-signature": signature,
});
const v1 = (secret: string, id: string, timestamp: number, body: string) =>
  `v1,${createHmac("sha256", secret).update(`${id}.${timestamp}.${body}`).digest("base64")}`;

async function expectAccepted(server: TestServer, body: string, h: Record<string, string>, messageId: string) {
  const res = await rawPost(server.baseUrl, body, h);
  expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { status: "ok" } });
  expect((await stored(server, messageId))?.message_id).toBe(messageId);
}

describe("v1a with public keys alone (no WEBHOOK_SECRET), two of them for rotation", () => {
  const current = keyPair();
  const previous = keyPair();
  const stranger = keyPair();
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ secrets: "", publicKeys: `${current.whpk}, ${previous.whpk}`, nowSeconds: () => NOW });
  });
  afterAll(() => server.close());
  afterEach(() => expectNoErrorsLogged(server));

  it("is configured: ready, and no 503", async () => {
    expect(await server.client.ready()).toMatchObject({ status: 200, body: { status: "ready" } });
  });

  it.each([
    ["the current key", () => current],
    ["the previous key", () => previous],
  ])("accepts a signature made with node:crypto by %s, and stores the message", async (_name, pair) => {
    const m = aMessage();
    const body = json(m);
    await expectAccepted(server, body, headers("msg_1", NOW, v1a(pair().privateKey, "msg_1", NOW, body)), m.message_id);
  });

  it("accepts what signStandardV1a signs with the whsk_ key, among entries that do not match", async () => {
    const m = aMessage();
    const body = json(m);
    const signature = signStandardV1a(secretKey(current.whsk), "msg_2", NOW, Buffer.from(body));
    const entries = [v1a(stranger.privateKey, "msg_2", NOW, body), "v2,abc", signature].join(" ");
    await expectAccepted(server, body, headers("msg_2", NOW, entries), m.message_id);
  });

  const wrong: [string, (body: string) => Record<string, string>, RegExp][] = [
    ["signed with a key it does not hold", (b) => headers("msg_3", NOW, v1a(stranger.privateKey, "msg_3", NOW, b)), /^webhook-signature does not match/],
    ["signed for another webhook-id", (b) => headers("msg_4", NOW, v1a(current.privateKey, "msg_other", NOW, b)), /^webhook-signature does not match/],
    ["signed for another timestamp", (b) => headers("msg_5", NOW, v1a(current.privateKey, "msg_5", NOW - 1, b)), /^webhook-signature does not match/],
    ["signed over another body", (b) => headers("msg_6", NOW, v1a(current.privateKey, "msg_6", NOW, `${b} `)), /^webhook-signature does not match/],
    ["stale", (b) => headers("msg_7", NOW - 301, v1a(current.privateKey, "msg_7", NOW - 301, b)), /^webhook-timestamp is more than 300 s from the server clock$/],
    ["from the future", (b) => headers("msg_8", NOW + 301, v1a(current.privateKey, "msg_8", NOW + 301, b)), /^webhook-timestamp is more than 300 s from the server clock$/],
    ["an HMAC v1 entry, with no secret to check it", (b) => headers("msg_9", NOW, v1("s3cret", "msg_9", NOW, b)), /^webhook-signature must hold .* v1a,<base64> entries, of a kind this service checks$/],
    ["the Ed25519 signature labelled v1", (b) => headers("msg_10", NOW, v1a(current.privateKey, "msg_10", NOW, b).replace("v1a,", "v1,")), /of a kind this service checks$/],
  ];

  it.each(wrong)("refuses with 401 and says why: %s", async (_name, make, reason) => {
    const body = json(aMessage());
    const res = await expectRefused(server, () => rawPost(server.baseUrl, body, make(body)), 401, "invalid signature");
    expect(res.body.reason).toMatch(reason);
  });

  it("refuses an X-Signature, which only a secret could check", async () => {
    const body = json(aMessage());
    const h = { "content-type": "application/json", "x-signature": createHmac("sha256", "s3cret").update(body).digest("hex") };
    await expectRefused(server, () => rawPost(server.baseUrl, body, h), 401, "invalid signature");
  });
});

describe("v1a and v1 side by side, with a secret and a public key", () => {
  const pair = keyPair();
  const stranger = keyPair();
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ secrets: "s3cret", publicKeys: pair.whpk, nowSeconds: () => NOW });
  });
  afterAll(() => server.close());
  afterEach(() => expectNoErrorsLogged(server));

  it("accepts a header whose v1 entry is wrong and whose v1a entry is right", async () => {
    const m = aMessage();
    const body = json(m);
    const entries = `${v1("other", "msg_1", NOW, body)} ${v1a(pair.privateKey, "msg_1", NOW, body)}`;
    await expectAccepted(server, body, headers("msg_1", NOW, entries), m.message_id);
  });

  it("accepts a header whose v1 entry is right and whose v1a entry is wrong", async () => {
    const m = aMessage();
    const body = json(m);
    const entries = `${v1a(stranger.privateKey, "msg_2", NOW, body)} ${v1("s3cret", "msg_2", NOW, body)}`;
    await expectAccepted(server, body, headers("msg_2", NOW, entries), m.message_id);
  });

  it("refuses a header whose entries of both kinds are wrong", async () => {
    const body = json(aMessage());
    const entries = `${v1("other", "msg_3", NOW, body)} ${v1a(stranger.privateKey, "msg_3", NOW, body)}`;
    await expectRefused(server, () => rawPost(server.baseUrl, body, headers("msg_3", NOW, entries)), 401, "invalid signature");
  });
});
