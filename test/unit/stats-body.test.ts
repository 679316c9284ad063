// GET /stats's body: built once per frozen answer (kept between commits), afresh for any other.
import { describe, expect, it } from "vitest";
import type { MessageStats } from "../../src/application/ports.js";
import type { UseCases } from "../../src/application/use-cases.js";
import { createRoutes } from "../../src/adapters/http/routes.js";

const stats = (): MessageStats => ({
  total_messages: 3,
  unique_senders: 2,
  top_senders: [{ from: "+14155550100", count: 2 }, { from: "+919876543210", count: 1 }],
  first_message_ts: "2025-01-15T10:00:00Z",
  last_message_ts: "2025-01-15T10:00:02Z",
});

/** The stats handler over a use case that answers `answer()` each time. */
const statsHandler = (answer: () => MessageStats) => {
  const useCases = { computeStats: async () => answer() } as unknown as UseCases;
  const routes = createRoutes(useCases, { readGate: (_req, _res, next) => next(), secretConfigured: true });
  return async () => ((await (routes.getStats.handler as (args: object) => Promise<{ body: unknown }>)({})).body);
};

describe("the stats body", () => {
  it("carries the assignment's names beside the spec's", async () => {
    const body = await statsHandler(stats)();
    expect(body).toEqual({ ...stats(), senders_count: 2, messages_per_sender: stats().top_senders });
  });

  it("is one frozen object for as long as the store hands out the same frozen answer", async () => {
    const kept = Object.freeze(stats());
    const handler = statsHandler(() => kept);
    const first = await handler();
    expect(await handler()).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it("is made afresh, and not frozen, for an answer the store made afresh", async () => {
    const handler = statsHandler(stats);
    const first = await handler();
    expect(Object.isFrozen(first)).toBe(false);
    expect(await handler()).not.toBe(first);
  });
});
