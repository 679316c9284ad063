// The hold the background thread puts on commits: on until released, and never longer than its limit.
import { describe, expect, it } from "vitest";
import { writeHold } from "../../src/adapters/storage/sqlite/write-hold.js";

const settledWithin = async (promise: Promise<void>, ms: number) =>
  Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);

describe("writeHold", () => {
  it("holds nothing until asked, then until released", async () => {
    const writes = writeHold(5_000);
    expect(writes.held()).toBeUndefined();
    writes.hold();
    const held = writes.held()!;
    expect(held).toBeInstanceOf(Promise);
    expect(await settledWithin(held, 30)).toBe(false);
    writes.release();
    expect(await settledWithin(held, 30)).toBe(true);
    expect(writes.held()).toBeUndefined();
  });

  it("ends a hold nobody releases after its limit", async () => {
    const writes = writeHold(40);
    writes.hold();
    const held = writes.held()!;
    expect(await settledWithin(held, 5)).toBe(false);
    expect(await settledWithin(held, 1_000)).toBe(true);
    expect(writes.held()).toBeUndefined();
  });

  it("keeps one hold when asked twice, and a release with none under way does nothing", async () => {
    const writes = writeHold(5_000);
    writes.release();
    expect(writes.held()).toBeUndefined();
    writes.hold();
    const held = writes.held();
    writes.hold();
    expect(writes.held()).toBe(held);
    writes.release();
    expect(await settledWithin(held!, 30)).toBe(true);
  });
});
