// A repeated message_id with other content: acknowledged (the first copy wins), but counted, logged and answered as a conflict.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aMessage } from "../support/messages.js";
import { startServer, type TestServer } from "../support/server.js";
import { rawPost, signedJson, stored } from "./webhook-support.js";

async function metric(server: TestServer, series: string): Promise<number> {
  const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe("POST /webhook with a conflicting copy", () => {
  let server: TestServer;
  beforeAll(async () => void (server = await startServer()));
  afterAll(() => server.close());

  const post = (body: object) => rawPost(server.baseUrl, JSON.stringify(body), signedJson(JSON.stringify(body)));

  it("answers 200, keeps the first copy, and logs, counts and says conflict rather than duplicate", async () => {
    const first = aMessage({ text: "the original" });
    const [conflicts, duplicates] = [await metric(server, 'webhook_requests_total{result="conflict"}'), await metric(server, 'webhook_requests_total{result="duplicate"}')];
    expect((await post(first)).status).toBe(200);

    const other = { ...first, text: "a different text" };
    const res = await post(other);
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { status: "ok" } });
    expect(await stored(server, first.message_id)).toEqual(first);
    expect(server.requestLines.at(-1)).toMatchObject({ status: 200, message_id: first.message_id, dup: true, result: "conflict" });
    expect(server.warnings.at(-1)).toEqual({
      message_id: first.message_id,
      stored_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      sent_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      request_id: expect.any(String),
    });
    const warning = server.warnings.at(-1) as { stored_hash: string; sent_hash: string };
    expect(warning.stored_hash).not.toBe(warning.sent_hash);
    expect(JSON.stringify(server.warnings)).not.toContain("a different text");

    // The same copy again is a plain duplicate.
    expect((await post(first)).status).toBe(200);
    expect(server.requestLines.at(-1)).toMatchObject({ result: "duplicate", dup: true });
    expect(await metric(server, 'webhook_requests_total{result="conflict"}')).toBe(conflicts + 1);
    expect(await metric(server, 'webhook_requests_total{result="duplicate"}')).toBe(duplicates + 1);
  });

  it.each([
    ["from", { from: "+14155550199" }],
    ["to", { to: "+14155550199" }],
    ["ts, same instant written otherwise", { ts: "2025-01-15T10:00:00.000Z" }],
    ["no text", { text: null }],
  ])("tells a copy that differs in %s", async (_name, change) => {
    const first = aMessage();
    await post(first);
    await post({ ...first, ...change });
    expect(server.requestLines.at(-1)).toMatchObject({ result: "conflict" });
  });

  it("calls the from_ alias of the same sender a duplicate, not a conflict", async () => {
    const first = aMessage();
    await post(first);
    const { from, ...rest } = first;
    await post({ ...rest, from_: from });
    expect(server.requestLines.at(-1)).toMatchObject({ result: "duplicate" });
  });
});
