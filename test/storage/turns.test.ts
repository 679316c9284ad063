// Reads that take turns: never more at once than allowed, in arrival order, and a failure frees its place.
import { describe, expect, it } from "vitest";
import { turns } from "../../src/adapters/storage/turns.js";

/** A read that runs until told to finish, recording when it started. */
function gate(started: string[], name: string) {
  let finish!: (value: string) => void;
  let fail!: (error: Error) => void;
  const done = new Promise<string>((resolve, reject) => ((finish = resolve), (fail = reject)));
  return {
    read: () => {
      started.push(name);
      return done;
    },
    finish: () => finish(name),
    fail: () => fail(new Error(`${name} failed`)),
  };
}
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("turns", () => {
  it("runs at most so many at once, and the waiting ones in the order they came", async () => {
    const inTurn = turns(2);
    const started: string[] = [];
    const reads = ["a", "b", "c", "d"].map((name) => gate(started, name));
    const answers = reads.map((r) => inTurn(r.read));
    await settle();
    expect(started).toEqual(["a", "b"]);
    reads[1]!.finish();
    await settle();
    expect(started).toEqual(["a", "b", "c"]);
    reads[0]!.finish();
    await settle();
    expect(started).toEqual(["a", "b", "c", "d"]);
    reads[2]!.finish();
    reads[3]!.finish();
    expect(await Promise.all(answers)).toEqual(["a", "b", "c", "d"]);
  });

  it("hands a failed read's place on, and the caller gets the failure", async () => {
    const inTurn = turns(1);
    const started: string[] = [];
    const [a, b] = [gate(started, "a"), gate(started, "b")];
    const first = inTurn(a.read);
    const second = inTurn(b.read);
    await settle();
    expect(started).toEqual(["a"]);
    a.fail();
    await expect(first).rejects.toThrow("a failed");
    await settle();
    expect(started).toEqual(["a", "b"]);
    b.finish();
    expect(await second).toBe("b");
  });

  it("gives a newcomer a place at once when one is free again", async () => {
    const inTurn = turns(1);
    const started: string[] = [];
    const a = gate(started, "a");
    const first = inTurn(a.read);
    a.finish();
    await first;
    const b = gate(started, "b");
    const second = inTurn(b.read);
    await settle();
    expect(started).toEqual(["a", "b"]);
    b.finish();
    expect(await second).toBe("b");
  });
});

describe("turns, when a caller stops waiting", () => {
  it("takes an abandoned read out of the line: it never runs, and the next one gets the place", async () => {
    const inTurn = turns(1);
    const started: string[] = [];
    const [a, b, c] = ["a", "b", "c"].map((name) => gate(started, name)) as [ReturnType<typeof gate>, ReturnType<typeof gate>, ReturnType<typeof gate>];
    const gone = new AbortController();
    const first = inTurn(a.read);
    const second = inTurn(b.read, gone.signal);
    const third = inTurn(c.read);
    await settle();
    const reason = new Error("client gone");
    gone.abort(reason);
    await expect(second).rejects.toBe(reason);
    a.finish();
    await settle();
    expect(started).toEqual(["a", "c"]);
    c.finish();
    expect([await first, await third]).toEqual(["a", "c"]);
    // Nothing is left holding a place: a newcomer runs at once.
    const d = gate(started, "d");
    const fourth = inTurn(d.read);
    await settle();
    expect(started).toEqual(["a", "c", "d"]);
    d.finish();
    expect(await fourth).toBe("d");
  });

  it("refuses a read abandoned before it asked, and lets one that got its turn finish", async () => {
    const inTurn = turns(1);
    const started: string[] = [];
    const gone = new AbortController();
    gone.abort(new Error("already gone"));
    await expect(inTurn(gate(started, "x").read, gone.signal)).rejects.toThrow("already gone");
    const running = new AbortController();
    const a = gate(started, "a");
    const first = inTurn(a.read, running.signal);
    await settle();
    running.abort(new Error("too late"));
    a.finish();
    expect(await first).toBe("a");
    expect(started).toEqual(["a"]);
  });
});
