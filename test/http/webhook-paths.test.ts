// Every spelling express would route to POST /webhook reaches the one webhook pipeline: same answers, same log lines, query ignored.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aMessage } from "../support/messages.js";
import { SECRET, startServer, type TestServer } from "../support/server.js";
import { signedJson, stored } from "./webhook-support.js";

const SPELLINGS = ["/webhook", "/webhook/", "/Webhook", "/WEBHOOK/", "/webhook?source=crm", "/webhook?q=%ff"];

describe("POST /webhook, every spelling", () => {
  let server: TestServer;
  beforeAll(async () => void (server = await startServer({ secrets: SECRET })));
  afterAll(() => server.close());

  it.each(SPELLINGS)("%s stores a signed message, answers 200 and logs it as a webhook", async (path) => {
    const message = aMessage();
    const body = JSON.stringify(message);
    server.requestLines.length = 0;
    const res = await fetch(`${server.baseUrl}${path}`, { method: "POST", headers: signedJson(body), body });
    expect({ status: res.status, body: await res.json() }).toEqual({ status: 200, body: { status: "ok" } });
    expect(await stored(server, message.message_id)).toEqual(message);
    const { request_id: _id, latency_ms: _ms, ...line } = server.requestLines.at(-1) as Record<string, unknown>;
    expect(line).toEqual({ method: "POST", path: path.split("?")[0], status: 200, message_id: message.message_id, dup: false, result: "created" });
  });

  it.each(SPELLINGS)("%s refuses an unsigned message with the same 401 and reason", async (path) => {
    const body = JSON.stringify(aMessage());
    const res = await fetch(`${server.baseUrl}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ detail: "invalid signature", reason: expect.stringMatching(/^no signature/) });
  });

  it("does not take a path that only resembles the webhook's", async () => {
    for (const path of ["/webhook//", "/webhooks", "/webhook/x"]) {
      const res = await fetch(`${server.baseUrl}${path}`, { method: "POST", headers: signedJson("{}"), body: "{}" });
      expect(res.status, path).toBe(404);
    }
  });
});
