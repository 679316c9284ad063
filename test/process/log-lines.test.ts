// The built service's log lines on stdout carry the original assignment's keys: ts and path.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aMessage } from "../support/messages.js";
import { killLeftovers, postSigned, startService, waitFor, type Service } from "../scale/support.js";
import { tempDatabase } from "./support.js";

describe("log lines of the running service", () => {
  const database = tempDatabase("log-lines");
  let service: Service;
  beforeAll(async () => {
    service = await startService({ DATABASE_URL: database.url });
  });
  afterAll(async () => {
    await service?.stop().catch(() => killLeftovers());
    database.remove();
  });

  const requestLines = () => service.logs.filter((l) => l.msg === "request");
  /** The request lines written after `count` of them, once `n` have arrived (stdout is read asynchronously). */
  const nextLines = (count: number, n: number) =>
    waitFor(`${n} request lines`, async () => (requestLines().length >= count + n ? requestLines().slice(count, count + n) : undefined));

  it("stamps every line with ts, an ISO-8601 UTC time, and no pino `time`", async () => {
    const before = Date.now();
    const count = requestLines().length;
    await fetch(`${service.baseUrl}/health/live`);
    const [line] = (await nextLines(count, 1)) as [Record<string, unknown>];
    expect(line).not.toHaveProperty("time");
    expect(line.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(String(line.ts))).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(String(line.ts))).toBeLessThanOrEqual(Date.now() + 1000);
    for (const l of service.logs) expect(l, JSON.stringify(l)).toHaveProperty("ts");
  });

  it("logs path without the query, and a webhook's message_id, dup and result, with level as a word", async () => {
    const message = aMessage({ text: "do not log me" });
    const count = requestLines().length;
    expect((await postSigned(service.baseUrl, JSON.stringify(message))).status).toBe(200);
    await fetch(`${service.baseUrl}/messages?q=private-words&limit=5`);
    const [webhook, list] = await nextLines(count, 2);
    expect(webhook).toMatchObject({
      level: "info",
      method: "POST",
      path: "/webhook",
      status: 200,
      message_id: message.message_id,
      dup: false,
      result: "created",
      request_id: expect.any(String),
      latency_ms: expect.any(Number),
    });
    expect(list).toMatchObject({ level: "info", method: "GET", path: "/messages", status: 200 });
    expect(list).not.toHaveProperty("route");
    const all = JSON.stringify(service.logs);
    for (const leak of ["do not log me", "private-words", "x-signature"]) expect(all).not.toContain(leak);
  });
});
