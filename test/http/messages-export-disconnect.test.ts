// GET /messages/export reads only as fast as the client takes it, and stops reading when the client goes away.
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/adapters/http/app.js";
import { createHttpServer } from "../../src/adapters/http/server.js";
import type { MessageRepository } from "../../src/application/ports.js";
import { createUseCases } from "../../src/application/use-cases.js";
import { memoryDeliveryLog } from "../support/memory-delivery-log.js";
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
  const errors: unknown[] = [];
  let baseUrl: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const app = createApp({
      useCases: createUseCases({ messages, deliveries: memoryDeliveryLog() }),
      webhook: { signingKeys: [], publicKeys: [], maxBodyBytes: 65536, toleranceSeconds: 300 },
      logger: { error: (fields) => void errors.push(fields), warn: () => {}, request: () => {} },
    });
    const server = createHttpServer(app, {});
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    };
  });
  afterAll(() => close());

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
    expect(errors).toEqual([]);
  });
});
