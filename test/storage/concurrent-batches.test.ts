// Two instances on one database, each committing batches in parallel, with the same messages sent to both:
// every insert answers, each message is stored once, and the per-sender counts match the rows.
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/adapters/storage/database.js";
import type { Message } from "../../src/domain/message.js";
import { DATABASES } from "../support/databases.js";
import { aMessage, keyed } from "../support/messages.js";
import { useFreshStorage } from "./fresh-storage.js";

const SENDERS = ["+111", "+222", "+333", "+444", "+555", "+666", "+777"];

/** Messages from few senders, so batches contend for the same counters, in a shuffled order. */
function traffic(count: number, seed: number): Message[] {
  let state = seed;
  const next = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31);
  const messages = Array.from({ length: count }, (_, i) =>
    aMessage({ message_id: `shared-${i}`, from: SENDERS[next() % SENDERS.length]!, text: `copy from ${seed}` }),
  );
  for (let i = messages.length - 1; i > 0; i--) {
    const j = next() % (i + 1);
    [messages[i], messages[j]] = [messages[j]!, messages[i]!];
  }
  return messages;
}

describe.each(DATABASES)("concurrent batches on $name", (database) => {
  const fresh = useFreshStorage(database);

  it("store each of 1,500 messages once and keep the sender counts exact, without deadlocks", async () => {
    const other = await openDatabase(fresh.location);
    try {
      // The same ids, from different senders on each side: the first copy decides the sender.
      const mine = traffic(1_500, 1);
      const theirs = traffic(1_500, 2);
      const answers = await Promise.all([
        ...mine.map((m) => fresh.storage.messages.insertIfAbsent(keyed(m))),
        ...theirs.map((m) => other.messages.insertIfAbsent(keyed(m))),
      ]);
      expect(answers.filter((answer) => answer.kind === "created")).toHaveLength(1_500);
      // The two sides differ in sender, so every copy that lost is told it conflicts with the stored one.
      expect(answers.filter((answer) => answer.kind === "conflict")).toHaveLength(1_500);

      const { data, total } = await fresh.storage.messages.list({}, { limit: 100, offset: 0 });
      expect(total).toBe(1_500);
      expect(data).toHaveLength(100);
      const perSender = new Map<string, number>();
      for (let offset = 0; offset < 1_500; offset += 100) {
        const page = await fresh.storage.messages.list({}, { limit: 100, offset });
        for (const m of page.data) perSender.set(m.from, (perSender.get(m.from) ?? 0) + 1);
      }
      const stats = await fresh.storage.messages.stats(SENDERS.length);
      expect(stats.total_messages).toBe(1_500);
      expect(Object.fromEntries(stats.top_senders.map((s) => [s.from, s.count]))).toEqual(Object.fromEntries(perSender));
    } finally {
      await other.close();
    }
  });
});
