// The repository's reads — order and pages — run against every database in DATABASES.
import { describe, expect, it } from "vitest";
import type { MessageFilter } from "../../src/application/ports.js";
import type { Message } from "../../src/domain/message.js";
import { DATABASES } from "../support/databases.js";
import { aMessage, keyed } from "../support/messages.js";
import { memoryRepository } from "../support/memory-repository.js";
import { pageOf, useFreshStorage } from "./fresh-storage.js";

const everything = { limit: 100, offset: 0 };
const T = (time: string) => `2025-01-15T${time}Z`;

describe.each(DATABASES)("message list on $name", (database) => {
  const fresh = useFreshStorage(database);
  const repo = () => fresh.storage.messages;
  const ids = async (filter: MessageFilter = {}) => (await repo().list(filter, everything)).data.map((m) => m.message_id);

  describe("order", () => {
    it("sorts by the instant ts names, not its text, whatever the insertion order", async () => {
      // Inserted latest first, and so that text order ('.' < 'Z') would put .5Z before 00Z.
      await fresh.insertAll([
        aMessage({ message_id: "c", ts: T("10:00:01") }),
        aMessage({ message_id: "b", ts: T("10:00:00.5") }),
        aMessage({ message_id: "a", ts: T("10:00:00") }),
        aMessage({ message_id: "z", ts: T("09:59:59.999") }),
      ]);
      expect(await ids()).toEqual(["z", "a", "b", "c"]);
    });

    it("compares fractions by value: .09 before .1, .1 before .100001", async () => {
      await fresh.insertAll([
        aMessage({ message_id: "a", ts: T("10:00:00.100001") }),
        aMessage({ message_id: "b", ts: T("10:00:00.1") }),
        aMessage({ message_id: "c", ts: T("10:00:00.09") }),
      ]);
      expect(await ids()).toEqual(["c", "b", "a"]);
    });

    it("orders across days, months and years by instant", async () => {
      await fresh.insertAll([
        aMessage({ message_id: "a", ts: "2026-01-01T00:00:00Z" }),
        aMessage({ message_id: "b", ts: "2025-12-31T23:59:59.9Z" }),
        aMessage({ message_id: "c", ts: "2025-02-01T00:00:00Z" }),
        aMessage({ message_id: "d", ts: "2024-02-29T12:00:00Z" }),
      ]);
      expect(await ids()).toEqual(["d", "c", "b", "a"]);
    });

    it("breaks ties of one instant written differently by message_id", async () => {
      // Text order would put .000Z (e2) first; the instants are equal, so the id decides.
      await fresh.insertAll([
        aMessage({ message_id: "e0", ts: T("10:00:00.001") }),
        aMessage({ message_id: "e2", ts: T("10:00:00.000") }),
        aMessage({ message_id: "e1", ts: T("10:00:00") }),
        aMessage({ message_id: "e3", ts: T("10:00:00.0") }),
      ]);
      const { data } = await repo().list({}, everything);
      expect(data.map((m) => [m.message_id, m.ts])).toEqual([
        ["e1", T("10:00:00")],
        ["e2", T("10:00:00.000")],
        ["e3", T("10:00:00.0")],
        ["e0", T("10:00:00.001")],
      ]);
    });

    it("orders message_id by bytes: upper case before lower case, m10 before m9", async () => {
      for (const id of ["m9", "a", "m10", "B", "_", "A", "b"]) await repo().insertIfAbsent(keyed(aMessage({ message_id: id })));
      expect(await ids()).toEqual(["A", "B", "_", "a", "b", "m10", "m9"]);
    });

    it("orders non-ASCII message_ids by UTF-8 bytes (code points), not UTF-16 units", async () => {
      // U+FF21 sorts before U+1F600 in UTF-8, after it in UTF-16 (surrogates start at 0xD800).
      for (const id of ["😀", "\uFF21", "é", "z"]) await repo().insertIfAbsent(keyed(aMessage({ message_id: id })));
      expect(await ids()).toEqual(["z", "é", "\uFF21", "😀"]);
    });
  });

  describe("pages", () => {
    // 23 messages over 8 instants, several written two ways, inserted in a scrambled order.
    const seconds = (n: number) => (n % 4) + (n % 3 === 2 ? 0.5 : 0);
    const build = () =>
      Array.from({ length: 23 }, (_, i) => {
        const n = (i * 7) % 23;
        const fraction = ["", ".0", ".5"][n % 3];
        return aMessage({ message_id: `p${String(n).padStart(2, "0")}`, ts: T(`10:00:0${n % 4}${fraction}`) });
      });
    const ordered = (messages: Message[]) =>
      messages
        .map((m) => ({ id: m.message_id, at: seconds(Number(m.message_id.slice(1))) }))
        .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1))
        .map((m) => m.id);

    it("concatenates to the full ordered list with no gaps or repeats", async () => {
      const messages = build();
      await fresh.insertAll(messages);
      const expected = ordered(messages);
      expect(await ids()).toEqual(expected);
      for (const limit of [1, 4, 5, 23]) {
        const pages: string[] = [];
        for (let offset = 0; offset < 23; offset += limit) {
          const page = await repo().list({}, { limit, offset });
          expect(page.total).toBe(23);
          expect(page.data.length).toBe(Math.min(limit, 23 - offset));
          pages.push(...page.data.map((m) => m.message_id));
        }
        expect(pages).toEqual(expected);
      }
    });

    it("answers an empty page with the right total past the end", async () => {
      await fresh.insertAll(build());
      expect(await repo().list({}, { limit: 10, offset: 23 })).toEqual(pageOf([], 23));
      expect(await repo().list({}, { limit: 10, offset: 1000 })).toEqual(pageOf([], 23));
    });

    it("counts the total ignoring limit and offset", async () => {
      const messages = build();
      await fresh.insertAll(messages);
      const page = await repo().list({}, { limit: 2, offset: 3 });
      expect(page.total).toBe(23);
      expect(page.data.map((m) => m.message_id)).toEqual(ordered(messages).slice(3, 5));
    });

    it("answers an empty database with no data and a total of 0", async () => {
      expect(await repo().list({}, everything)).toEqual(pageOf([], 0));
    });
  });

  describe("one repository, many shapes of list", () => {
    // The page and count are compiled once per shape (compiled-shapes.ts): requests of every shape,
    // interleaved in one repository, must each get their own filters, order, position and counts.
    it("answers each request as the in-memory model does", async () => {
      const senders = ["+14155550100", "+14155550101", "+14155550102"];
      const messages = Array.from({ length: 40 }, (_, i) =>
        aMessage({ message_id: `s${String(i).padStart(2, "0")}`, from: senders[i % 3]!, to: senders[(i * 7) % 3]!, ts: T(`10:${String(i % 17).padStart(2, "0")}:00`), text: i % 4 ? "hello" : "bye" }),
      );
      await fresh.insertAll(messages);
      const model = memoryRepository(messages);
      let seed = 7;
      const pick = <T>(options: readonly T[]): T => options[(seed = (seed * 48271) % 2147483647) % options.length]!;
      for (let k = 0; k < 80; k++) {
        const filter: MessageFilter = {
          from: pick([undefined, ...senders]),
          to: pick([undefined, undefined, senders[1]]),
          sinceKey: pick([undefined, keyed(aMessage({ ts: T("10:05:00") })).tsKey]),
          untilKey: pick([undefined, undefined, keyed(aMessage({ ts: T("10:12:00") })).tsKey]),
          q: pick([undefined, undefined, undefined, "bye"]),
        };
        const after = pick([undefined, { key: keyed(aMessage({ ts: T("10:08:00") })).tsKey, messageId: pick(["s10", "s30"]) }]);
        const page = { limit: pick([1, 3, 50]), offset: pick([0, 0, 2, 9, 45]), order: pick([undefined, "asc", "desc"] as const), after };
        const asked = JSON.stringify({ filter, page });
        expect(await repo().list(filter, page), asked).toEqual(await model.list(filter, page));
      }
    });

    // A search's page and total are read in one statement (searchInOnePass; on PostgreSQL up to
    // 10,000 matches, see search-plans.test.ts): its total must not depend on the page, whether the
    // page is full, cut by a position, past the end or empty.
    it("answers every search as the in-memory model does, past the end and when nothing matches too", async () => {
      const senders = ["+14155550100", "+14155550101"];
      const texts = ["hello there", "bye now", "Hello again", "goodbye"];
      const messages = Array.from({ length: 30 }, (_, i) =>
        aMessage({ message_id: `q${String(i).padStart(2, "0")}`, from: senders[i % 2]!, ts: T(`10:${String(i % 11).padStart(2, "0")}:00`), text: texts[i % 4]! }),
      );
      await fresh.insertAll(messages);
      const model = memoryRepository(messages);
      let seed = 11;
      const pick = <T>(options: readonly T[]): T => options[(seed = (seed * 48271) % 2147483647) % options.length]!;
      for (let k = 0; k < 60; k++) {
        const filter: MessageFilter = { q: pick(["hello", "BYE", "e", "zz", "goodbye"]), from: pick([undefined, senders[0]]) };
        const after = pick([undefined, undefined, { key: keyed(aMessage({ ts: T("10:05:00") })).tsKey, messageId: "q15" }]);
        const page = { limit: pick([1, 4, 50]), offset: pick([0, 3, 40]), order: pick([undefined, "desc"] as const), after };
        const asked = JSON.stringify({ filter, page });
        expect(await repo().list(filter, page), asked).toEqual(await model.list(filter, page));
      }
    });
  });
});
