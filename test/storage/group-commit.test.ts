// Group commit: what arrives together is written together, in order, and a failed batch acknowledges nothing.
import { describe, expect, it } from "vitest";
import { groupCommit } from "../../src/adapters/storage/group-commit.js";

describe("groupCommit", () => {
  it("writes the items queued in one turn as one batch, in arrival order, answering each", async () => {
    const batches: number[][] = [];
    const write = groupCommit<number, string>(10, async (items) => {
      batches.push(items);
      return items.map((n) => `done ${n}`);
    });
    const answers = await Promise.all([1, 2, 3].map(write));
    expect(answers).toEqual(["done 1", "done 2", "done 3"]);
    expect(batches).toEqual([[1, 2, 3]]);
    await write(4);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it("splits a burst into batches of at most the limit", async () => {
    const sizes: number[] = [];
    const write = groupCommit<number, number>(4, async (items) => {
      sizes.push(items.length);
      return items;
    });
    expect(await Promise.all(Array.from({ length: 10 }, (_, i) => write(i)))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(sizes).toEqual([4, 4, 2]);
  });

  it("rejects every caller of a failed batch, and carries on with the next", async () => {
    let fail = true;
    const write = groupCommit<number, number>(10, async (items) => {
      if (fail) throw new Error("disk full");
      return items;
    });
    const results = await Promise.allSettled([write(1), write(2)]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    fail = false;
    expect(await write(3)).toBe(3);
  });

  it("answers nobody before the batch's write has finished", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const write = groupCommit<number, number>(10, async (items) => {
      await gate;
      return items;
    });
    let answered = false;
    const pending = write(1).then(() => (answered = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(answered).toBe(false);
    release();
    await pending;
    expect(answered).toBe(true);
  });

  it("writes nothing while held, and what arrives meanwhile joins the batch written after", async () => {
    const batches: number[][] = [];
    let release!: () => void;
    let hold: Promise<void> | undefined = new Promise<void>((resolve) => (release = resolve));
    const write = groupCommit<number, number>(
      10,
      async (items) => {
        batches.push(items);
        return items;
      },
      () => hold,
    );
    const first = write(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = write(2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(batches).toEqual([]);
    hold = undefined;
    release();
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(batches).toEqual([[1, 2]]);
  });
});
