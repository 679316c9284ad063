// GET /messages/export reads only as fast as the client takes it, and stops reading when the client goes away.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MessageRepository } from "../../src/application/ports.js";
import { appOver, type AppOver } from "../support/app-over.js";
import { aMessage } from "../support/messages.js";
import { memoryRepository } from "../support/memory-repository.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Messages without end: an export that did not stop on its own would read forever. */
function endlessRepository(): MessageRepository & { batches: number } {
  const repository = Object.assign(memoryRepository(), { batches: 0 });
  repository.batch = async (_filter, page) => {
    repository.batches += 1;
    const data = Array.from({ length: page.limit }, () => aMessage({ text: "x".repeat(200) }));
    return { data, last: { key: "2025-01-15T10:00:00", messageId: `z${repository.batches}` } };
  };
  return repository;
}

describe("GET /messages/export when the client stops reading", () => {
  const messages = endlessRepository();
  let app: AppOver;
  let baseUrl: string;

  beforeAll(async () => {
    app = await appOver(messages);
    baseUrl = app.baseUrl;
  });
  afterAll(() => app.close());

  it("reads a few batches ahead of a client that pauses, and none after it disconnects", async () => {
    const abort = new AbortController();
    const res = await fetch(`${baseUrl}/messages/export?format=csv`, { signal: abort.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read();
    // The client stops reading: socket buffers fill, and the server must stop reading too.
    await sleep(500);
    const paused = messages.batches;
    await sleep(500);
    expect(messages.batches).toBe(paused);
    expect(paused).toBeLessThan(50);

    abort.abort();
    await sleep(300);
    const afterAbort = messages.batches;
    await sleep(500);
    expect(messages.batches).toBe(afterAbort);
    expect(afterAbort - paused).toBeLessThan(50);
    expect(app.errors).toEqual([]);
    // The 200 went out before the client left: the line keeps it, and says the file was cut short.
    expect(app.lines).toEqual([
      { request_id: expect.any(String), method: "GET", path: "/messages/export", status: 200, latency_ms: expect.any(Number), incomplete: true },
    ]);
  });
});
