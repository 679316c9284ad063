// GET /messages/export reads only as fast as the client takes it, and stops reading when the client goes away, dropping a batch that waits for its turn.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientGoneError } from "../../src/adapters/http/client-gone.js";
import type { MessageRepository } from "../../src/application/ports.js";
import { appOver, type AppOver } from "../support/app-over.js";
import { aMessage } from "../support/messages.js";
import { memoryRepository } from "../support/memory-repository.js";
import { sample } from "../support/metric-sample.js";

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

/**
 * Searches whose every batch after the first `answered` waits for its turn (as behind other
 * searches) until released or dropped, keeping the signal each batch was handed.
 */
function waitingRepository(answered: number): MessageRepository & { signals: Array<AbortSignal | undefined>; release: () => void } {
  const repository = memoryRepository();
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const signals: Array<AbortSignal | undefined> = [];
  repository.batch = async (_filter, page, waiter) => {
    const signal = waiter?.signal;
    signals.push(signal);
    if (signals.length > answered) {
      await new Promise<void>((resolve, reject) => {
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
        void released.then(resolve);
      });
    }
    const data = Array.from({ length: page.limit }, (_, i) => aMessage({ message_id: `b${signals.length}-${i}` }));
    return { data, last: { key: "2025-01-15T10:00:00", messageId: `b${signals.length}` } };
  };
  return Object.assign(repository, { signals, release });
}

/** Waits until `done` holds, for at most five seconds. */
async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done() && waited < 5_000; waited += 10) await sleep(10);
}

describe("GET /messages/export when its client leaves while a batch waits for its turn", () => {
  const cases = [
    { answered: 0, when: "the first batch, before the answer began", line: { status: 499 } },
    { answered: 1, when: "a later batch, the answer under way", line: { status: 200 } },
  ];
  for (const { answered, when, line } of cases) {
    it(`drops ${when}, and reports no error`, async () => {
      const messages = waitingRepository(answered);
      const app = await appOver(messages);
      try {
        const client = new AbortController();
        const answer = fetch(`${app.baseUrl}/messages/export?q=slow`, { signal: client.signal });
        if (answered > 0) {
          const res = await answer;
          expect(res.status).toBe(200);
          await res.body!.getReader().read();
        }
        await until(() => messages.signals.length > answered);
        const signal = messages.signals[answered]!;
        expect(signal.aborted).toBe(false);
        client.abort();
        if (answered === 0) await expect(answer).rejects.toThrow();
        await until(() => signal.aborted);
        expect(signal.reason).toBeInstanceOf(ClientGoneError);
        await sleep(100);
        expect(messages.signals).toHaveLength(answered + 1);
        expect(app.errors).toEqual([]);
        expect(app.lines).toEqual([
          { request_id: expect.any(String), method: "GET", path: "/messages/export", ...line, latency_ms: expect.any(Number), incomplete: true },
        ]);
        expect(await sample(app, `http_requests_total{path="/messages/export",status="${line.status}"}`)).toBe(1);
      } finally {
        messages.release();
        await app.close();
      }
    });
  }
});
