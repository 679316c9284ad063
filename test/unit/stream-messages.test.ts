// streamMessages and the feed behind it: replay then live, filters, slow readers, positions, many streams on one read.
import { describe, expect, it, vi } from "vitest";
import { createUseCases, type StreamOptions } from "../../src/application/use-cases.js";
import type { MessageStream } from "../../src/application/stream-messages.js";
import { ARRIVAL_START, type Arrival } from "../../src/domain/arrival.js";
import type { Message } from "../../src/domain/message.js";
import { memoryDeliveryLog } from "../support/memory-delivery-log.js";
import { memoryRepository } from "../support/memory-repository.js";
import { aMessage, keyed } from "../support/messages.js";

const m = (id: string, overrides: Partial<Message> = {}) => aMessage({ message_id: id, ...overrides });

function setUp(initial: Message[] = [], stream: StreamOptions = {}) {
  const messages = memoryRepository(initial);
  // A long poll: in these tests only this process stores, and its ingests wake the feed.
  const useCases = createUseCases({ messages, deliveries: memoryDeliveryLog() }, { stream: { pollMs: 60_000, ...stream } });
  const ingest = (...ms: Message[]) => Promise.all(ms.map((x) => useCases.ingestMessage(keyed(x))));
  return { messages, useCases, ingest };
}

/** Reads a stream's runs with one pending next() at a time, kept across calls, so a quiet check takes nothing away. */
function reader(stream: MessageStream) {
  const iterator = stream[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<Arrival<Message>[]>> | undefined;
  const buffered: string[] = [];
  const next = () => (pending ??= iterator.next());
  return {
    /** The next `count` message ids, failing after `ms` rather than hanging. */
    async take(count: number, ms = 2_000): Promise<string[]> {
      const deadline = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`only ${buffered.length} of ${count}: ${buffered}`)), ms));
      deadline.catch(() => undefined);
      while (buffered.length < count) {
        const result = await Promise.race([next(), deadline]);
        pending = undefined;
        if (result.done) break;
        buffered.push(...result.value.map((a) => a.message.message_id));
      }
      return buffered.splice(0, count);
    },
    /** Whether nothing more arrives within `ms`. */
    quiet: (ms = 100) =>
      buffered.length > 0
        ? Promise.resolve(false)
        : Promise.race([next().then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), ms))]),
  };
}

describe("streamMessages", () => {
  it("replays from the start in arrival order, then hands over what arrives, none twice", async () => {
    // Arrival order, not ts order: the later arrival has the older ts.
    const { useCases, ingest } = setUp([m("a", { ts: "2025-01-15T10:00:00Z" }), m("b", { ts: "2024-01-01T00:00:00Z" })]);
    const stream = await useCases.streamMessages({ after: ARRIVAL_START });
    const read = reader(stream);
    expect(await read.take(2)).toEqual(["a", "b"]);
    await ingest(m("c", { ts: "2020-01-01T00:00:00Z" }), m("d"));
    await ingest(m("c")); // a repeat stores nothing and is not streamed
    expect(await read.take(2)).toEqual(["c", "d"]);
    expect(await read.quiet()).toBe(true);
    stream.close();
  });

  it("without a position starts at the newest message, and its position resumes there", async () => {
    const { useCases, ingest } = setUp([m("old")]);
    const first = await useCases.streamMessages({});
    const start = first.position();
    first.close();
    await ingest(m("during-gap"));
    const resumed = await useCases.streamMessages({ after: start });
    expect(await reader(resumed).take(1)).toEqual(["during-gap"]);
    resumed.close();
  });

  it("resumes after any event's position with exactly the later messages", async () => {
    // Runs of two: the position after the first run stands between "b" and "c".
    const { useCases } = setUp(["a", "b", "c", "d"].map((id) => m(id)), { batch: 2 });
    const stream = await useCases.streamMessages({ after: ARRIVAL_START });
    await reader(stream).take(2);
    const mid = stream.position();
    stream.close();
    const resumed = await useCases.streamMessages({ after: mid });
    const read = reader(resumed);
    expect(await read.take(2)).toEqual(["c", "d"]);
    expect(await read.quiet()).toBe(true);
    resumed.close();
  });

  it("filters by sender and text, in replay and live, and moves past what does not match", async () => {
    const { useCases, ingest } = setUp([m("a", { from: "+1111", text: "nope" }), m("b", { from: "+2222", text: "Hello there" })]);
    const bySender = await useCases.streamMessages({ after: ARRIVAL_START, from: "+1111" });
    const byText = await useCases.streamMessages({ after: ARRIVAL_START, q: "hello" });
    const [sender, text] = [reader(bySender), reader(byText)];
    expect(await sender.take(1)).toEqual(["a"]);
    expect(await text.take(1)).toEqual(["b"]);
    await ingest(m("c", { from: "+1111", text: "nope" }), m("d", { from: "+3333", text: "say HELLO" }), m("e", { from: "+4444", text: "nope" }));
    expect(await sender.take(1)).toEqual(["c"]);
    expect(await text.take(1)).toEqual(["d"]);
    // Taken up to "d"; once the reader asks again, the stream stands past "e", which matched neither.
    expect(await text.quiet()).toBe(true);
    expect(byText.position().messageId).toBe("e");
    bySender.close();
    byText.close();
  });

  it("a q no stored text can hold matches nothing and asks the store nothing for it", async () => {
    const { useCases, messages, ingest } = setUp([m("a")]);
    const stream = await useCases.streamMessages({ after: ARRIVAL_START, q: "\u0000" });
    const arrivals = vi.spyOn(messages, "arrivals");
    const read = reader(stream);
    expect(await read.quiet()).toBe(true);
    await ingest(m("b"));
    expect(await read.quiet()).toBe(true);
    for (const [filter] of arrivals.mock.calls) expect(filter.q).toBeUndefined();
    stream.close();
  });

  it("many caught-up streams cost one read of the store per arrival", async () => {
    const { useCases, messages, ingest } = setUp([m("a")]);
    const streams = await Promise.all(Array.from({ length: 50 }, () => useCases.streamMessages({})));
    const readers = streams.map(reader);
    // Let each reach the live edge and join the feed.
    await Promise.all(readers.map((r) => r.quiet(20)));
    const arrivals = vi.spyOn(messages, "arrivals");
    await ingest(m("b"));
    expect(await Promise.all(readers.map((r) => r.take(1)))).toEqual(streams.map(() => ["b"]));
    expect(arrivals.mock.calls.length).toBeLessThanOrEqual(2);
    for (const s of streams) s.close();
  });

  it("a reader too slow for the feed falls back to the store and still gets everything once, in order", async () => {
    const { useCases, messages, ingest } = setUp([], { maxQueued: 3, batch: 4 });
    const stream = await useCases.streamMessages({});
    const read = reader(stream);
    expect(await read.quiet(20)).toBe(true); // now live, one next() waiting
    const arrivals = vi.spyOn(messages, "arrivals");
    const ids = Array.from({ length: 40 }, (_, i) => `s${String(i).padStart(2, "0")}`);
    for (const id of ids) await ingest(m(id));
    expect(await read.take(ids.length)).toEqual(ids);
    // It read the store by itself (with its own range bound), not only through the feed.
    expect(arrivals.mock.calls.some(([, range]) => range.upTo !== undefined)).toBe(true);
    expect(await read.quiet()).toBe(true);
    stream.close();
  });

  it("a position ahead of this feed's tail waits for the tail to pass it", async () => {
    const { useCases, ingest } = setUp([m("a")]);
    const ahead = { seq: "3", messageId: "c" };
    const stream = await useCases.streamMessages({ after: ahead });
    const read = reader(stream);
    expect(await read.quiet()).toBe(true);
    await ingest(m("b"), m("c"), m("d"));
    expect(await read.take(1)).toEqual(["d"]);
    stream.close();
  });

  it("close ends an iteration that is waiting for messages", async () => {
    const { useCases } = setUp();
    const stream = await useCases.streamMessages({});
    const ended = (async () => {
      for await (const _ of stream) return "yielded";
      return "ended";
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));
    stream.close();
    expect(await ended).toBe("ended");
  });
});
