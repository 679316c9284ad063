// Retention's use case and its runner: the cutoff from an injected clock, batches until one comes back short, a clean stop.
import { describe, expect, it, vi } from "vitest";
import { purgeExpiredMessages } from "../../src/application/purge-expired-messages.js";
import { startRetention } from "../../src/application/retention-runner.js";
import { memoryRepository } from "../support/memory-repository.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("purgeExpiredMessages", () => {
  it("purges what was received more than retentionDays before now, a batch of maxRows", async () => {
    const messages = memoryRepository();
    const purge = vi.spyOn(messages, "purgeReceivedBefore").mockResolvedValue(7);
    const now = new Date("2025-03-31T12:00:00.000Z");
    expect(await purgeExpiredMessages({ messages }, { retentionDays: 30, maxRows: 250, now })).toBe(7);
    expect(purge).toHaveBeenCalledWith(new Date("2025-03-01T12:00:00.000Z"), 250);
  });
});

describe("startRetention", () => {
  it("runs batches back to back until one is short, reports the run, and runs again after the interval", async () => {
    const answers = [3, 3, 1, 0];
    const runs: number[] = [];
    const purgeBatch = vi.fn(async () => answers.shift() ?? 0);
    const runner = startRetention({ purgeBatch, maxRows: 3, pauseMs: 1, intervalMs: 300, onRun: (n) => runs.push(n) });
    await sleep(150);
    expect(purgeBatch).toHaveBeenCalledTimes(3);
    expect(runs).toEqual([7]);
    await sleep(400);
    expect(runs.slice(0, 2)).toEqual([7, 0]);
    await runner.stop();
  });

  it("reports a failed batch and tries again on the next run", async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const runner = startRetention({
      purgeBatch: async () => {
        calls += 1;
        if (calls === 1) throw new Error("database away");
        return 0;
      },
      maxRows: 10,
      pauseMs: 1,
      intervalMs: 10,
      onError: (error) => errors.push(error),
    });
    await sleep(50);
    await runner.stop();
    expect(errors).toHaveLength(1);
    expect(calls).toBeGreaterThan(1);
  });

  it("stops cleanly: the batch in flight finishes, and none starts after", async () => {
    let release!: () => void;
    let inFlight = false;
    let started = 0;
    const runner = startRetention({
      purgeBatch: async () => {
        started += 1;
        inFlight = true;
        await new Promise<void>((resolve) => (release = resolve));
        inFlight = false;
        return 10; // a full batch: more would follow, were it not stopped
      },
      maxRows: 10,
      pauseMs: 1_000,
      intervalMs: 1,
    });
    await sleep(50);
    expect(inFlight).toBe(true);
    const stopped = runner.stop();
    release();
    await stopped;
    expect(inFlight).toBe(false);
    await sleep(20);
    expect(started).toBe(1);
  });
});
