// An in-memory MessageRepository for use-case tests only; adapters are tested against real databases.
import type { MessageFilter, MessageRepository, PageRequest } from "../../src/application/ports.js";
import { timestampKey, type Message } from "../../src/domain/message.js";

const byInstantThenId = (a: Message, b: Message) => {
  const ka = timestampKey(a.ts)!;
  const kb = timestampKey(b.ts)!;
  return ka < kb ? -1 : ka > kb ? 1 : a.message_id < b.message_id ? -1 : a.message_id > b.message_id ? 1 : 0;
};

export function memoryRepository(initial: Message[] = []): MessageRepository & { rows: Map<string, Message> } {
  const rows = new Map(initial.map((m) => [m.message_id, m]));
  const matching = (filter: MessageFilter) =>
    [...rows.values()]
      .filter((m) => filter.from === undefined || m.from === filter.from)
      .filter((m) => filter.sinceKey === undefined || timestampKey(m.ts)! >= filter.sinceKey)
      .filter((m) => filter.q === undefined || (m.text ?? "\u0000").toLowerCase().includes(filter.q.toLowerCase()))
      .sort(byInstantThenId);
  return {
    rows,
    async insertIfAbsent(message) {
      if (rows.has(message.message_id)) return false;
      rows.set(message.message_id, message);
      return true;
    },
    async list(filter: MessageFilter, page: PageRequest) {
      const all = matching(filter);
      const { after } = page;
      const start = after
        ? all.filter((m) => {
            const key = timestampKey(m.ts)!;
            return key > after.key || (key === after.key && m.message_id > after.messageId);
          })
        : all;
      return { data: start.slice(page.offset, page.offset + page.limit), total: all.length };
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
    async ping() {},
  };
}
