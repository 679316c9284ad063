// A refused signature says what to fix: detail stays "invalid signature", reason tells the cases apart and never helps forge.
import { createHmac } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { aMessage } from "../support/messages.js";
import { SECRET, startServer, type TestServer } from "../support/server.js";
import { expectNoErrorsLogged, expectRefused, json, rawPost } from "./webhook-support.js";

const NOW = 1_736_935_200;
const hex = (key: string, body: string) => createHmac("sha256", key).update(body).digest("hex");
const v1 = (key: string, id: string, ts: number | string, body: string) =>
  `v1,${createHmac("sha256", key).update(`${id}.${ts}.${body}`).digest("base64")}`;
const standard = (id: string, ts: number | string, signature: string) => ({
  "webhook-id": id,
  "webhook-timestamp": String(ts),
  "webhook-signature": signature,
});

describe("401 reasons", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ nowSeconds: () => NOW, toleranceSeconds: 300 });
  });
  afterAll(() => server.close());
  afterEach(() => expectNoErrorsLogged(server));

  const cases: [string, (body: string) => Record<string, string>, RegExp][] = [
    ["no signature header at all", () => ({}), /^no signature: send X-Signature .* or the Standard Webhooks headers$/],
    ["X-Signature that is not hex", () => ({ "x-signature": "not-a-signature" }), /^X-Signature must be 64 hex digits/],
    ["X-Signature one digit short", (b) => ({ "x-signature": hex(SECRET, b).slice(1) }), /^X-Signature must be 64 hex digits/],
    ["an empty X-Signature", () => ({ "x-signature": "" }), /^X-Signature must be 64 hex digits/],
    ["GitHub's sha256= form", (b) => ({ "x-signature": `sha256=${hex(SECRET, b)}` }), /GitHub-style "sha256=" prefix/],
    ["a well-formed signature of other bytes", (b) => ({ "x-signature": hex(SECRET, `${b} `) }), /^X-Signature does not match the body/],
    ["a well-formed signature with another secret", (b) => ({ "x-signature": hex("other", b) }), /^X-Signature does not match the body/],
    ["Standard Webhooks without webhook-id", (b) => {
      const { "webhook-id": _id, ...rest } = standard("msg_1", NOW, v1(SECRET, "msg_1", NOW, b));
      return rest;
    }, /^Standard Webhooks needs all three headers/],
    ["a non-numeric webhook-timestamp", (b) => standard("msg_1", "soon", v1(SECRET, "msg_1", "soon", b)), /^webhook-timestamp must be Unix seconds$/],
    ["a webhook-signature with no v1 or v1a entry", () => standard("msg_1", NOW, "v2,abc"), /^webhook-signature must hold space-separated v1,<base64> or v1a,<base64> entries, of a kind this service checks$/],
    ["a stale webhook-timestamp", (b) => standard("msg_1", NOW - 301, v1(SECRET, "msg_1", NOW - 301, b)), /^webhook-timestamp is more than 300 s from the server clock$/],
    ["a future webhook-timestamp", (b) => standard("msg_1", NOW + 600, v1(SECRET, "msg_1", NOW + 600, b)), /^webhook-timestamp is more than 300 s from the server clock$/],
    ["a v1 entry over other content", (b) => standard("msg_1", NOW, v1(SECRET, "msg_2", NOW, b)), /^webhook-signature does not match/],
    ["both schemes sent, both wrong", (b) => ({ "x-signature": hex("other", b), ...standard("msg_1", NOW, v1("other", "msg_1", NOW, b)) }), /^X-Signature does not match the body.*; webhook-signature does not match/],
  ];

  it.each(cases)("%s: 401 invalid signature, with a reason that says so", async (_name, make, reason) => {
    const body = json(aMessage());
    const headers = { "content-type": "application/json", ...make(body) };
    const res = await expectRefused(server, () => rawPost(server.baseUrl, body, headers), 401, "invalid signature");
    expect(Object.keys(res.body).sort()).toEqual(["detail", "reason"]);
    expect(res.body.reason).toMatch(reason);
    // Nothing that helps forge one: not the expected hex, nor base64, nor the secret.
    expect(res.text).not.toContain(hex(SECRET, body));
    expect(res.text).not.toContain(v1(SECRET, "msg_1", NOW, body).slice(3));
    expect(res.text).not.toContain(SECRET);
  });

  it("gives the same reasons whatever the Content-Type, since the signature is checked first", async () => {
    const body = json(aMessage());
    const res = await rawPost(server.baseUrl, body, { "content-type": "text/plain", "x-signature": `sha256=${hex(SECRET, body)}` });
    expect(res.status).toBe(401);
    expect(res.body.reason).toMatch(/"sha256=" prefix/);
  });

  it("declares the reason in the contract, so the typed client sees it", async () => {
    const res = await fetch(`${server.baseUrl}/openapi.json`);
    const doc = (await res.json()) as any;
    const schema = doc.paths["/webhook"].post.responses["401"].content["application/json"].schema;
    expect(schema.required).toEqual(expect.arrayContaining(["detail", "reason"]));
  });
});
