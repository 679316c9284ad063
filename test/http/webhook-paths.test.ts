// POST /webhook is served on a short path that bypasses express, and through express for any other
// spelling express routes there (`/Webhook/`, a query string). Both must answer alike, byte for byte.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aMessage } from "../support/messages.js";
import { SECRET, startServer, type TestServer } from "../support/server.js";
import { signedJson } from "./webhook-support.js";

/** Everything an answer says, but the headers that differ by request anyway. */
async function answerOf(baseUrl: string, path: string, body: string, headers: Record<string, string>) {
  const response = await fetch(`${baseUrl}${path}`, { method: "POST", headers, body });
  const shown = [...response.headers].filter(([name]) => !["date", "x-request-id"].includes(name));
  return { status: response.status, headers: shown.sort(), body: await response.text() };
}

const json = (fields: object) => JSON.stringify(fields);
const signed = (body: string) => ({ body, headers: signedJson(body) });

/** Each case makes its request from an id, so a first copy on one path is never a duplicate on the other. */
const CASES: [string, (id: string) => { body: string; headers: Record<string, string> }][] = [
  ["a new message", (id) => signed(json(aMessage({ message_id: id })))],
  ["a wrong signature", (id) => ({ body: json(aMessage({ message_id: id })), headers: signedJson("other bytes") })],
  ["no signature", (id) => ({ body: json(aMessage({ message_id: id })), headers: { "content-type": "application/json" } })],
  ["text/plain", (id) => {
    const { body, headers } = signed(json(aMessage({ message_id: id })));
    return { body, headers: { ...headers, "content-type": "text/plain" } };
  }],
  ["malformed JSON", () => signed("{nope")],
  ["a field out of range", (id) => signed(json({ ...aMessage({ message_id: id }), to: "12345" }))],
  ["several invalid fields", () => signed(json({ message_id: "", from: "x", to: "y", ts: "yesterday" }))],
  ["a body over the limit", (id) => signed(json({ ...aMessage({ message_id: id }), text: "x".repeat(70_000) }))],
];

describe("POST /webhook by the short path and through express", () => {
  let server: TestServer;
  beforeAll(async () => void (server = await startServer({ secrets: SECRET })));
  afterAll(() => server.close());

  it.each(CASES)("answers %s identically", async (name, make) => {
    const short = make(`short ${name}`);
    const routed = make(`other ${name}`); // same length as the short path's id, so the bytes differ only there
    const viaShort = await answerOf(server.baseUrl, "/webhook", short.body, short.headers);
    const viaExpress = await answerOf(server.baseUrl, "/Webhook/?via=express", routed.body, routed.headers);
    expect(viaExpress).toEqual(viaShort);
  });

  it("answers a duplicate identically, and stores it once", async () => {
    const body = json(aMessage());
    const first = await answerOf(server.baseUrl, "/webhook", body, signedJson(body));
    const again = await answerOf(server.baseUrl, "/webhook/", body, signedJson(body));
    expect(again).toEqual(first);
    expect(first.status).toBe(200);
    const page = await server.storage.messages.list({}, { limit: 100, offset: 0 });
    expect(page.data.filter((m) => m.message_id === JSON.parse(body).message_id)).toHaveLength(1);
  });

  it("logs and counts a webhook the same way on both paths", async () => {
    const body = json(aMessage());
    server.requestLines.length = 0;
    await answerOf(server.baseUrl, "/webhook", body, signedJson(body));
    await answerOf(server.baseUrl, "/webhook?x=1", body, signedJson(body));
    const lines = server.requestLines.map((line) => {
      const { request_id: _id, latency_ms: _ms, ...rest } = line as Record<string, unknown>;
      return rest;
    });
    expect(lines).toEqual([
      { method: "POST", path: "/webhook", status: 200, message_id: JSON.parse(body).message_id, dup: false, result: "created" },
      { method: "POST", path: "/webhook", status: 200, message_id: JSON.parse(body).message_id, dup: true, result: "duplicate" },
    ]);
  });

  it("refuses an undecodable query string on POST /webhook, as on every route", async () => {
    const body = json(aMessage());
    const answer = await answerOf(server.baseUrl, "/webhook?q=%ff", body, signedJson(body));
    expect(answer.status).toBe(422);
    expect(JSON.parse(answer.body).errors[0].path).toBe("query");
  });
});
