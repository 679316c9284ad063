// GET /messages tells the store when its client has gone, so a read still waiting for its turn is dropped: no error, a 499 in the log and the metrics.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientGoneError } from "../../src/adapters/http/client-gone.js";
import type { MessageRepository } from "../../src/application/ports.js";
import { appOver, type AppOver } from "../support/app-over.js";
import { aMessage } from "../support/messages.js";
import { memoryRepository } from "../support/memory-repository.js";
import { sample } from "../support/metric-sample.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A store that answers "slow" searches only once told to, and keeps the signal of every list it was asked. */
function watchedRepository(): MessageRepository & { signals: Array<AbortSignal | undefined>; release: () => void } {
  const repository = memoryRepository([aMessage({ message_id: "m1", text: "slow and steady" })]);
  const list = repository.list.bind(repository);
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const signals: Array<AbortSignal | undefined> = [];
  repository.list = async (filter, page, waiter) => {
    // As a read that comes to ask for the signal only after its client has gone.
    if (filter.q === "late") await released;
    const signal = waiter?.signal;
    signals.push(signal);
    if (filter.q === "slow") {
      // As a read waiting for its turn: dropped once its client has gone.
      await new Promise<void>((resolve, reject) => {
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
        void released.then(resolve);
      });
    }
    return list(filter, page, waiter);
  };
  return Object.assign(repository, { signals, release });
}

describe("GET /messages when its client goes away before the answer", () => {
  const messages = watchedRepository();
  let app: AppOver;
  let baseUrl: string;

  beforeAll(async () => {
    app = await appOver(messages);
    baseUrl = app.baseUrl;
  });
  afterAll(async () => {
    messages.release();
    await app.close();
  });

  it("aborts the store's read with ClientGoneError, reports no error, and logs and counts a 499", async () => {
    const client = new AbortController();
    const answer = fetch(`${baseUrl}/messages?q=slow`, { signal: client.signal });
    for (let waited = 0; messages.signals.length === 0 && waited < 5_000; waited += 10) await sleep(10);
    const signal = messages.signals[0]!;
    expect(signal.aborted).toBe(false);
    client.abort();
    await expect(answer).rejects.toThrow();
    for (let waited = 0; !signal.aborted && waited < 5_000; waited += 10) await sleep(10);
    expect(signal.reason).toBeInstanceOf(ClientGoneError);
    await sleep(100);
    expect(app.errors).toEqual([]);
    expect(app.lines).toEqual([
      { request_id: expect.any(String), method: "GET", path: "/messages", status: 499, latency_ms: expect.any(Number), incomplete: true },
    ]);
    expect(await sample(app, 'http_requests_total{path="/messages",status="499"}')).toBe(1);
  });

  it("hands a read that asks only after its client has gone a signal aborted already", async () => {
    const client = new AbortController();
    const answer = fetch(`${baseUrl}/messages?q=late`, { signal: client.signal });
    await sleep(100);
    client.abort();
    await expect(answer).rejects.toThrow();
    await sleep(100);
    const asked = messages.signals.length;
    messages.release();
    for (let waited = 0; messages.signals.length === asked && waited < 5_000; waited += 10) await sleep(10);
    const signal = messages.signals.at(-1)!;
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(ClientGoneError);
    await sleep(50);
    expect(app.errors).toEqual([]);
  });

  it("leaves the signal of an answered read alone, on a connection kept open for the next", async () => {
    const res = await fetch(`${baseUrl}/messages?q=steady`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { total: number }).total).toBe(1);
    await sleep(50);
    const signal = messages.signals.at(-1)!;
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(signal.aborted).toBe(false);
    expect(app.errors).toEqual([]);
  });
});
