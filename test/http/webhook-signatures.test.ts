// POST /webhook X-Signature: HMAC-SHA256 of the exact raw bytes, checked before parsing; rotation and whsec_ secrets.
import { createHmac, randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { aMessage, signBody } from "../support/messages.js";
import { SECRET, startServer, type TestServer } from "../support/server.js";
import { expectNoErrorsLogged, expectRefused, json, rawPost, stored } from "./webhook-support.js";

/** Computed here with node:crypto, independently of the code under test. */
const hmacHex = (key: string | Buffer, body: string) => createHmac("sha256", key).update(body, "utf8").digest("hex");

const spaced = (body: string) => JSON.stringify(JSON.parse(body), null, 2);
const withSignature = (signature: string) => ({ "content-type": "application/json", "x-signature": signature });

const expectInvalid = (server: TestServer, body: string, headers: Record<string, string>) =>
  expectRefused(server, () => rawPost(server.baseUrl, body, headers), 401, "invalid signature");

async function expectAccepted(server: TestServer, body: string, signature: string, messageId: string) {
  const res = await rawPost(server.baseUrl, body, withSignature(signature));
  expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { status: "ok" } });
  expect((await stored(server, messageId))?.message_id).toBe(messageId);
}

describe("X-Signature with one secret", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());
  afterEach(() => expectNoErrorsLogged(server));

  it("accepts a lowercase hex signature computed independently", async () => {
    const m = aMessage();
    const body = json(m);
    expect(signBody(SECRET, body)).toBe(hmacHex(SECRET, body));
    await expectAccepted(server, body, hmacHex(SECRET, body), m.message_id);
  });

  it("accepts an uppercase hex signature", async () => {
    const m = aMessage();
    const body = json(m);
    await expectAccepted(server, body, hmacHex(SECRET, body).toUpperCase(), m.message_id);
  });

  it("refuses a missing signature with 401", async () => {
    const body = json(aMessage());
    const send = () => rawPost(server.baseUrl, body, { "content-type": "application/json" });
    await expectRefused(server, send, 401, "invalid signature");
  });

  const wrong: [string, (body: string) => string][] = [
    ["an empty header", () => ""],
    ["well-formed hex of nothing", () => "0".repeat(64)],
    ["not hex at all", () => "not-a-signature"],
    ["the right signature with one digit changed", (b) => flipLastDigit(hmacHex(SECRET, b))],
    ["the right signature truncated", (b) => hmacHex(SECRET, b).slice(0, 63)],
    ["the right signature cut to half", (b) => hmacHex(SECRET, b).slice(0, 32)],
    ["the right signature with extra digits", (b) => hmacHex(SECRET, b) + "00"],
    ["a signature made with another secret", (b) => hmacHex("another-secret", b)],
    ["a signature of the same JSON re-serialised with spaces", (b) => hmacHex(SECRET, spaced(b))],
    ["a base64 signature", (b) => createHmac("sha256", SECRET).update(b).digest("base64")],
  ];

  it.each(wrong)("refuses %s with 401 and stores nothing", async (_name, sign) => {
    const body = json(aMessage());
    await expectInvalid(server, body, withSignature(sign(body)));
  });

  it("refuses a body re-serialised with whitespace under the compact body's signature", async () => {
    const m = aMessage();
    const send = () => rawPost(server.baseUrl, spaced(json(m)), withSignature(hmacHex(SECRET, json(m))));
    await expectRefused(server, send, 401, "invalid signature");
    expect(await stored(server, m.message_id)).toBeUndefined();
  });

  it("checks the signature before parsing: invalid JSON with a wrong signature is 401, not 422", async () => {
    const body = '{"message_id": "m1", oops';
    await expectInvalid(server, body, withSignature(hmacHex("wrong", body)));
  });

  it("checks the signature before validating: an invalid message with no signature is 401, not 422", async () => {
    const body = json({ message_id: "", from: "nope" });
    await expectInvalid(server, body, { "content-type": "application/json" });
  });
});

describe("rotation: two comma-separated secrets", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ secrets: "old-secret, new-secret" });
  });
  afterAll(() => server.close());
  afterEach(() => expectNoErrorsLogged(server));

  it.each(["old-secret", "new-secret"])("accepts a signature made with %s", async (secret) => {
    const m = aMessage();
    const body = json(m);
    await expectAccepted(server, body, hmacHex(secret, body), m.message_id);
  });

  it.each(["third-secret", "old-secret, new-secret", " new-secret"])("refuses a signature made with %j", async (s) => {
    const body = json(aMessage());
    await expectInvalid(server, body, withSignature(hmacHex(s, body)));
  });
});

describe("whsec_ secret", () => {
  const keyBytes = randomBytes(32);
  const secret = `whsec_${keyBytes.toString("base64")}`;
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ secrets: secret });
  });
  afterAll(() => server.close());
  afterEach(() => expectNoErrorsLogged(server));

  it("accepts a signature keyed with the base64-decoded bytes", async () => {
    const m = aMessage();
    const body = json(m);
    await expectAccepted(server, body, hmacHex(keyBytes, body), m.message_id);
  });

  it("accepts a message from the typed client given the whsec_ secret", async () => {
    const m = aMessage();
    const res = await server.client.ingestMessage({ body: m });
    expect(res).toMatchObject({ status: 200, body: { status: "ok" } });
    expect(await stored(server, m.message_id)).toEqual(m);
  });

  it("refuses a signature keyed with the literal whsec_ string", async () => {
    const body = json(aMessage());
    await expectInvalid(server, body, withSignature(hmacHex(secret, body)));
  });
});

function flipLastDigit(hex: string): string {
  const last = hex.at(-1) === "0" ? "1" : "0";
  return hex.slice(0, -1) + last;
}
