// Interop with the official Standard Webhooks library: what it signs we accept; what we sign it verifies.
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signStandard, signingKey } from "../../src/contracts/signature.js";
import { aMessage, postRaw } from "../support/messages.js";
import { startServer, type TestServer } from "../support/server.js";

const SECRET = `whsec_${randomBytes(24).toString("base64")}`;

describe("Standard Webhooks, against the reference library", () => {
  let server: TestServer;
  const library = new Webhook(SECRET);
  beforeAll(async () => {
    server = await startServer({ secrets: SECRET });
  });
  afterAll(() => server.close());

  it("accepts a request the library signed", async () => {
    const body = JSON.stringify(aMessage({ text: "signed by the reference library ✓" }));
    const id = "msg_reference_1";
    const now = new Date();
    const headers = {
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
      "webhook-signature": library.sign(id, now, body),
    };
    expect((await postRaw(server.baseUrl, body, { headers })).status).toBe(200);
  });

  it("refuses a library signature over other bytes", async () => {
    const body = JSON.stringify(aMessage());
    const now = new Date();
    const headers = {
      "webhook-id": "msg_reference_2",
      "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
      "webhook-signature": library.sign("msg_reference_2", now, `${body} `),
    };
    expect((await postRaw(server.baseUrl, body, { headers })).status).toBe(401);
  });

  it("signs what the library verifies", () => {
    const body = JSON.stringify(aMessage());
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      "webhook-id": "msg_ours_1",
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signStandard(signingKey(SECRET), "msg_ours_1", timestamp, Buffer.from(body)),
    };
    expect(library.verify(body, headers)).toEqual(JSON.parse(body));
  });
});
