// An in-memory MessageRepository for use-case tests only; adapters are tested against real databases.
import type { MessageFilter, MessageRepository, PageRequest } from "../../src/application/ports.js";
import { ARRIVAL_START, compareArrivals, type ArrivalPosition } from "../../src/domain/arrival.js";
import { timestampKey, type ListPosition, type Message } from "../../src/domain/message.js";

const byInstantThenId = (a: Message, b: Message) => {
  const ka = timestampKey(a.ts)!;
  const kb = timestampKey(b.ts)!;
  return ka < kb ? -1 : ka > kb ? 1 : a.message_id < b.message_id ? -1 : a.message_id > b.message_id ? 1 : 0;
};

const comparePosition = (m: Message, p: ListPosition) => {
  const key = timestampKey(m.ts)!;
  return key < p.key ? -1 : key > p.key ? 1 : m.message_id < p.messageId ? -1 : m.message_id > p.messageId ? 1 : 0;
};

export function memoryRepository(initial: Message[] = []): MessageRepository & { rows: Map<string, Message> } {
  const rows = new Map(initial.map((m) => [m.message_id, m]));
  // Arrival order: Map keeps insertion order; each message's number is its place in it.
  const seqOf = new Map(initial.map((m, i) => [m.message_id, i + 1]));
  const positionOf = (m: Message): ArrivalPosition => ({ seq: String(seqOf.get(m.message_id)), messageId: m.message_id });
  const matching = (filter: MessageFilter) =>
    [...rows.values()]
      .filter((m) => filter.from === undefined || m.from === filter.from)
      .filter((m) => filter.to === undefined || m.to === filter.to)
      .filter((m) => filter.sinceKey === undefined || timestampKey(m.ts)! >= filter.sinceKey)
      .filter((m) => filter.untilKey === undefined || timestampKey(m.ts)! < filter.untilKey)
      .filter((m) => filter.q === undefined || (m.text ?? "\u0000").toLowerCase().includes(filter.q.toLowerCase()))
      .sort(byInstantThenId);
  return {
    rows,
    async insertIfAbsent({ tsKey: _key, ...message }) {
      const stored = rows.get(message.message_id);
      if (stored === undefined) {
        rows.set(message.message_id, message);
        seqOf.set(message.message_id, seqOf.size + 1);
        return { kind: "created" };
      }
      // A stand-in fingerprint: the use cases only pass it on.
      const [storedHash, sentHash] = [stored, message].map((m) => JSON.stringify([m.from, m.to, m.ts, m.text]));
      return storedHash === sentHash ? { kind: "duplicate" } : { kind: "conflict", storedHash: storedHash!, sentHash: sentHash! };
    },
    async list(filter: MessageFilter, page: PageRequest) {
      const ascending = matching(filter);
      const all = page.order === "desc" ? [...ascending].reverse() : ascending;
      const { after } = page;
      const sign = page.order === "desc" ? -1 : 1;
      const start = after
        ? all.filter((m) => sign * comparePosition(m, after) > 0)
        : all;
      const data = start.slice(page.offset, page.offset + page.limit);
      const end = data.at(-1);
      return { data, total: all.length, last: end ? { key: timestampKey(end.ts)!, messageId: end.message_id } : null };
    },
    async batch(filter: MessageFilter, page) {
      const { data, last } = await this.list(filter, { ...page, offset: 0 });
      return { data, last };
    },
    async stats(topSenders) {
      const all = matching({});
      const counts = new Map<string, number>();
      for (const m of all) counts.set(m.from, (counts.get(m.from) ?? 0) + 1);
      const top = [...counts]
        .map(([from, count]) => ({ from, count }))
        .sort((a, b) => b.count - a.count || (a.from < b.from ? -1 : 1))
        .slice(0, topSenders);
      return {
        total_messages: all.length,
        unique_senders: counts.size,
        top_senders: top,
        first_message_ts: all[0]?.ts ?? null,
        last_message_ts: all.at(-1)?.ts ?? null,
      };
    },
    async arrivals(filter, range) {
      return matching(filter)
        .sort((a, b) => seqOf.get(a.message_id)! - seqOf.get(b.message_id)!)
        .map((message) => ({ message, position: positionOf(message) }))
        .filter(({ position }) => compareArrivals(position, range.after) > 0)
        .filter(({ position }) => range.upTo === undefined || compareArrivals(position, range.upTo) <= 0)
        .slice(0, range.limit);
    },
    async arrivalEnd() {
      const last = [...rows.values()].at(-1);
      return last === undefined ? ARRIVAL_START : positionOf(last);
    },
    async ping() {},
    async writable() {},
    async purgeReceivedBefore() {
      return 0;
    },
  };
}
