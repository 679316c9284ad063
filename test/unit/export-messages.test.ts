// exportMessages: every match in order, batch by batch, ending on a short or empty batch.
import { describe, expect, it, vi } from "vitest";
import { exportMessages } from "../../src/application/export-messages.js";
import { aMessage } from "../support/messages.js";
import { memoryRepository } from "../support/memory-repository.js";

const rows = Array.from({ length: 7 }, (_, i) => aMessage({ message_id: `e${i}`, ts: `2025-01-15T10:00:0${i}Z`, to: i % 2 ? "+1" : "+2" }));

async function collect(iterable: AsyncIterable<{ message_id: string }[]>) {
  const batches: string[][] = [];
  for await (const batch of iterable) batches.push(batch.map((m) => m.message_id));
  return batches;
}

describe("exportMessages", () => {
  it.each([
    [3, [["e0", "e1", "e2"], ["e3", "e4", "e5"], ["e6"]], 3],
    [7, [["e0", "e1", "e2", "e3", "e4", "e5", "e6"]], 2],
    [10, [["e0", "e1", "e2", "e3", "e4", "e5", "e6"]], 1],
  ])("in batches of %i", async (size, expected, reads) => {
    const messages = memoryRepository(rows);
    const batch = vi.spyOn(messages, "batch");
    expect(await collect(exportMessages({ messages }, {}, undefined, size))).toEqual(expected);
    expect(batch).toHaveBeenCalledTimes(reads);
  });

  it("newest first with a filter", async () => {
    const messages = memoryRepository(rows);
    expect((await collect(exportMessages({ messages }, { to: "+1", order: "desc" }, undefined, 2))).flat()).toEqual(["e5", "e3", "e1"]);
  });

  it("hands its waiter to every batch, so a batch still waiting when the client leaves is dropped", async () => {
    const messages = memoryRepository(rows);
    const batch = vi.spyOn(messages, "batch");
    const waiter = { signal: new AbortController().signal };
    await collect(exportMessages({ messages }, {}, waiter, 3));
    expect(batch.mock.calls.map((call) => call[2] === waiter)).toEqual([true, true, true]);
  });

  it("asks nothing for a q no stored text can contain", async () => {
    const messages = memoryRepository(rows);
    const batch = vi.spyOn(messages, "batch");
    expect(await collect(exportMessages({ messages }, { q: "\u0000" }))).toEqual([]);
    expect(batch).not.toHaveBeenCalled();
  });
});
