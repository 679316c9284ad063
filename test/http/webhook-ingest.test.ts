// POST /webhook acceptance: a valid signed message is stored once, as sent; repeats change nothing.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Message } from "../../src/domain/message.js";
import { aMessage, postRaw } from "../support/messages.js";
import { SECRET, startServer, type TestServer } from "../support/server.js";
import { expectNoErrorsLogged, json, rawPost, signedJson, stored, storedTotal } from "./webhook-support.js";

describe("POST /webhook accepts valid messages", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());
  afterEach(() => expectNoErrorsLogged(server));

  async function listedById(id: string): Promise<Message | undefined> {
    const res = await server.client.listMessages({ query: { limit: 100 } });
    if (res.status !== 200) throw new Error(`GET /messages answered ${res.status}`);
    return res.body.data.find((m) => m.message_id === id);
  }

  it("answers 200 {status: ok} to a new message, which GET /messages then returns as sent", async () => {
    const m = aMessage({ text: "Hello, नमस्ते 👋" });
    const res = await server.client.ingestMessage({ body: m });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok" });
    expect(await listedById(m.message_id)).toEqual(m);
  });

  it("answers 200 to a repeated message_id with different content, and keeps the first copy", async () => {
    const first = aMessage({ text: "first" });
    const second = { ...first, from: "+14155550111", to: "+919876543211", ts: "2025-06-01T00:00:00Z", text: "second" };
    expect((await server.client.ingestMessage({ body: first })).status).toBe(200);
    const before = await storedTotal(server);
    const again = await server.client.ingestMessage({ body: second });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ status: "ok" });
    expect(await storedTotal(server)).toBe(before);
    expect(await listedById(first.message_id)).toEqual(first);
  });

  it("answers 200 to an exact resend and still holds one copy", async () => {
    const m = aMessage();
    expect((await server.client.ingestMessage({ body: m })).status).toBe(200);
    const before = await storedTotal(server);
    expect((await server.client.ingestMessage({ body: m })).status).toBe(200);
    expect(await storedTotal(server)).toBe(before);
  });

  it("accepts from_ alone and stores it as from", async () => {
    const { from: _from, ...rest } = aMessage();
    const res = await server.client.ingestMessage({ body: { ...rest, from_: "+447700900123" } });
    expect(res.status).toBe(200);
    expect(await listedById(rest.message_id)).toEqual({ ...rest, from: "+447700900123" });
  });

  it("accepts from and from_ when they are equal", async () => {
    const m = aMessage();
    expect((await server.client.ingestMessage({ body: { ...m, from_: m.from } })).status).toBe(200);
    expect(await stored(server, m.message_id)).toEqual(m);
  });

  it("ignores unknown extra fields, __proto__ included", async () => {
    const { text: _omitted, ...m } = aMessage();
    // "__proto__" must reach the server as an own JSON key, which an object literal cannot express.
    const extra = json({ ...m, channel: "sms", meta: { retries: 2 }, constructor: 1 });
    const body = extra.replace(/^\{/, '{"__proto__":{"text":"x"},');
    const res = await rawPost(server.baseUrl, body, signedJson(body));
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { status: "ok" } });
    expect(await stored(server, m.message_id)).toEqual({ ...m, text: null });
  });

  it("stores text null when text is omitted", async () => {
    const { text: _omitted, ...m } = aMessage();
    expect((await server.client.ingestMessage({ body: m })).status).toBe(200);
    expect(await listedById(m.message_id)).toEqual({ ...m, text: null });
  });

  it("stores text null when text is null", async () => {
    const m = aMessage({ text: null });
    expect((await server.client.ingestMessage({ body: m })).status).toBe(200);
    expect(await listedById(m.message_id)).toEqual({ ...m, text: null });
  });

  it("stores an empty text as empty, not null", async () => {
    const m = aMessage({ text: "" });
    expect((await server.client.ingestMessage({ body: m })).status).toBe(200);
    expect((await stored(server, m.message_id))?.text).toBe("");
  });

  it.each([
    ["4096 ASCII characters", "a".repeat(4096)],
    ["4096 characters outside the BMP", "😀".repeat(4096)],
  ])("accepts text of %s and stores it whole", async (_name, text) => {
    const m = aMessage({ text });
    expect((await server.client.ingestMessage({ body: m })).status).toBe(200);
    expect((await stored(server, m.message_id))?.text).toBe(text);
  });

  it("accepts a message_id of 256 characters", async () => {
    const { message_id: unique } = aMessage();
    const m = aMessage({ message_id: unique.padStart(256, "x") });
    expect(m.message_id).toHaveLength(256);
    expect((await server.client.ingestMessage({ body: m })).status).toBe(200);
    expect(await stored(server, m.message_id)).toEqual(m);
  });

  const timestamps = [
    "2025-01-15T10:00:00.5Z",
    "2025-01-15T10:00:00.500Z",
    "2025-01-15T10:00:00.123456789Z",
    "2024-02-29T23:59:59Z",
  ];
  it.each(timestamps)("returns ts %s exactly as sent", async (ts) => {
    const m = aMessage({ ts });
    expect((await server.client.ingestMessage({ body: m })).status).toBe(200);
    expect((await listedById(m.message_id))?.ts).toBe(ts);
  });

  it("answers a ts with 3000 fractional digits with 200 (stored as sent) or 422, never 503", async () => {
    // Pseudo-random digits, so no database can shrink the value by compressing it.
    let seed = 42;
    const digits = Array.from({ length: 3000 }, () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return String(Math.floor(seed / 65536) % 10);
    }).join("");
    const m = aMessage({ ts: `2025-01-15T10:00:00.${digits}Z` });
    const res = await server.client.ingestMessage({ body: m });
    expect([200, 422]).toContain(res.status);
    if (res.status === 200) expect((await stored(server, m.message_id))?.ts).toBe(m.ts);
  });
});

describe("POST /webhook under concurrency", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it("answers 200 to 30 parallel copies of one message_id and stores exactly one row", async () => {
    const m = aMessage();
    const copies = Array.from({ length: 30 }, (_, i) => ({ ...m, text: `copy ${i}` }));
    const results = await Promise.all(copies.map((body) => server.client.ingestMessage({ body })));
    expect(results.map((r) => r.status)).toEqual(copies.map(() => 200));
    const page = await server.client.listMessages({ query: { limit: 100 } });
    expect(page.status).toBe(200);
    if (page.status !== 200) return;
    expect(page.body.total).toBe(1);
    expect(page.body.data).toHaveLength(1);
    expect(copies.map((c) => c.text)).toContain(page.body.data[0]?.text);
    expect(server.loggedErrors).toEqual([]);
  });

  it("stores 30 parallel distinct messages, each once", async () => {
    const before = await storedTotal(server);
    const messages = Array.from({ length: 30 }, () => aMessage());
    const results = await Promise.all(messages.map((body) => server.client.ingestMessage({ body })));
    expect(results.map((r) => r.status)).toEqual(messages.map(() => 200));
    expect(await storedTotal(server)).toBe(before + 30);
  });
});

describe("POST /webhook with a key repeated in the JSON", () => {
  let server: TestServer;
  beforeAll(async () => void (server = await startServer()));
  afterAll(() => server.close());

  it("stores the last value, as JSON.parse reads the signed bytes, and says so in the spec", async () => {
    const body = '{"message_id":"first-id","from":"+919876543210","to":"+14155550100","ts":"2025-01-15T10:00:00Z","message_id":"last-id","text":"a","text":"b"}';
    const res = await postRaw(server.baseUrl, body, { secret: SECRET });
    expect(res.status).toBe(200);
    const page = await server.storage.messages.list({}, { limit: 10, offset: 0 });
    expect(page.data.map((m) => [m.message_id, m.text])).toEqual([["last-id", "b"]]);
  });
});
