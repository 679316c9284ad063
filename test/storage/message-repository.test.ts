// The repository's writes and availability, run against every database in DATABASES.
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/adapters/storage/database.js";
import { StorageUnavailableError } from "../../src/application/ports.js";
import { DATABASES } from "../support/databases.js";
import { aMessage, keyed } from "../support/messages.js";
import { pageOf, useFreshStorage } from "./fresh-storage.js";

const everything = { limit: 100, offset: 0 };

describe.each(DATABASES)("message repository on $name", (database) => {
  const fresh = useFreshStorage(database);
  const repo = () => fresh.storage.messages;

  describe("insertIfAbsent", () => {
    it("answers created for a new id, then duplicate for the same copy again", async () => {
      const m = aMessage();
      expect((await repo().insertIfAbsent(keyed(m))).kind).toBe("created");
      expect((await repo().insertIfAbsent(keyed(m))).kind).toBe("duplicate");
      expect(await repo().list({}, everything)).toEqual(pageOf([m], 1));
    });

    it("keeps the first copy when the same id comes again with other fields, and calls that a conflict", async () => {
      const first = aMessage({ message_id: "dup", from: "+111", to: "+222", ts: "2025-01-15T10:00:00Z", text: "first" });
      const second = { message_id: "dup", from: "+333", to: "+444", ts: "2025-02-01T00:00:00Z", text: "second" };
      expect((await repo().insertIfAbsent(keyed(first))).kind).toBe("created");
      const conflict = await repo().insertIfAbsent(keyed(second));
      expect(conflict).toEqual({ kind: "conflict", storedHash: expect.stringMatching(/^[0-9a-f]{64}$/), sentHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      if (conflict.kind !== "conflict") return;
      expect(conflict.storedHash).not.toBe(conflict.sentHash);
      // Each field counts, and no text differs from empty text.
      for (const other of [{ from: "+999" }, { to: "+999" }, { ts: "2025-01-15T10:00:00.0Z" }, { text: null }, { text: "" }, { text: "first " }]) {
        expect((await repo().insertIfAbsent(keyed({ ...first, ...other }))).kind, JSON.stringify(other)).toBe("conflict");
      }
      expect(await repo().insertIfAbsent(keyed({ ...first }))).toEqual({ kind: "duplicate" });
      expect(await repo().list({}, everything)).toEqual(pageOf([first], 1));
    });

    it("stores exactly one row when 50 inserts of one id race", async () => {
      const copies = Array.from({ length: 50 }, (_, i) => aMessage({ message_id: "race", text: `copy ${i}` }));
      const results = await Promise.all(copies.map((m) => repo().insertIfAbsent(keyed(m))));
      // Every copy differs in text: one is stored, every other is told it conflicts with it.
      expect(results.filter((r) => r.kind === "created")).toHaveLength(1);
      expect(results.filter((r) => r.kind === "conflict")).toHaveLength(49);
      const { data, total } = await repo().list({}, everything);
      expect(total).toBe(1);
      expect(data).toEqual([copies[results.findIndex((r) => r.kind === "created")]]);
    });

    it("tells each caller of one burst whether its own copy was stored: old, new and repeated ids mixed", async () => {
      const stored = aMessage({ message_id: "old" });
      await repo().insertIfAbsent(keyed(stored));
      const burst = [
        aMessage({ message_id: "old", text: "late copy" }),
        aMessage({ message_id: "b", text: "one b" }),
        aMessage({ message_id: "b", text: "other b" }),
        aMessage({ message_id: "c" }),
      ];
      const [late, oneB, otherB, c] = await Promise.all(burst.map((m) => repo().insertIfAbsent(keyed(m))));
      expect([late!.kind, c!.kind]).toEqual(["conflict", "created"]);
      // Either copy of b may come first (PostgreSQL runs them on two connections); exactly one is stored, the one told so.
      expect([oneB!.kind, otherB!.kind].sort()).toEqual(["conflict", "created"]);
      const storedB = (oneB!.kind === "created" ? burst[1] : burst[2])!;
      expect(await repo().list({}, everything)).toEqual(pageOf([storedB, burst[3]!, stored], 3));
    });

    it("stores many different ids inserted concurrently", async () => {
      const messages = Array.from({ length: 50 }, (_, i) => aMessage({ message_id: `c${String(i).padStart(2, "0")}` }));
      const results = await Promise.all(messages.map((m) => repo().insertIfAbsent(keyed(m))));
      expect(results.every((r) => r.kind === "created")).toBe(true);
      expect(await repo().list({}, everything)).toEqual(pageOf(messages, 50));
    });

    it("gives back a null text as null", async () => {
      const m = aMessage({ text: null });
      await repo().insertIfAbsent(keyed(m));
      const [stored] = (await repo().list({}, everything)).data;
      expect(stored).toEqual(m);
      expect(stored?.text).toBeNull();
    });

    it("gives back an empty text as an empty string, not null", async () => {
      const m = aMessage({ text: "" });
      await repo().insertIfAbsent(keyed(m));
      expect((await repo().list({}, everything)).data[0]?.text).toBe("");
    });

    it("gives back unicode text and the ts text exactly as stored", async () => {
      const texts = ["Café naïve Ærøskøbing", "🎉👍🏽 👨‍👩‍👧 ok", "日本語のテキスト 中文 한국어", "tab\there\nnew line \"quoted\" 'single' \\ back"];
      const messages = texts.map((text, i) => aMessage({ message_id: `u${i}`, ts: `2025-01-15T10:00:0${i}.500Z`, text }));
      await fresh.insertAll(messages);
      const { data } = await repo().list({}, everything);
      expect(data).toEqual(messages);
      expect(data.map((m) => m.ts)).toEqual([
        "2025-01-15T10:00:00.500Z",
        "2025-01-15T10:00:01.500Z",
        "2025-01-15T10:00:02.500Z",
        "2025-01-15T10:00:03.500Z",
      ]);
    });

    it("keeps a text of the full 4096 characters, including astral ones, intact", async () => {
      const text = "😀".repeat(2048) + "a".repeat(2048);
      const m = aMessage({ text });
      await repo().insertIfAbsent(keyed(m));
      expect((await repo().list({}, everything)).data[0]?.text).toBe(text);
    });

    it("keeps every precision of ts text as received", async () => {
      const stamps = ["2025-01-15T10:00:00Z", "2025-01-15T10:00:00.000000001Z", "2025-01-15T10:00:00.1000Z", "2025-01-15T10:00:01.0Z"];
      const messages = stamps.map((ts, i) => aMessage({ message_id: `p${i}`, ts }));
      await fresh.insertAll(messages);
      expect((await repo().list({}, everything)).data.map((m) => m.ts)).toEqual(stamps);
    });
  });

  describe("opening", () => {
    it("migrates a fresh database while another database on the same server is already migrated", async () => {
      // fresh.storage is already open and migrated; a second, separate database must not be confused with it.
      await fresh.storage.messages.insertIfAbsent(keyed(aMessage({ message_id: "elsewhere" })));
      const other = await database.create();
      try {
        const storage = await openDatabase(other.location);
        try {
          expect(await storage.messages.list({}, everything)).toEqual(pageOf([], 0));
          expect((await storage.messages.insertIfAbsent(keyed(aMessage({ message_id: "here" })))).kind).toBe("created");
          expect(await storage.messages.list({}, everything)).toMatchObject({ total: 1, data: [{ message_id: "here" }] });
        } finally {
          await storage.close();
        }
      } finally {
        await other.drop();
      }
      expect(await repo().list({}, everything)).toMatchObject({ total: 1, data: [{ message_id: "elsewhere" }] });
    });

    it("opens the same database a second time without migrating it again, and both see one table", async () => {
      await repo().insertIfAbsent(keyed(aMessage({ message_id: "shared" })));
      const again = await openDatabase(fresh.location);
      try {
        expect(await again.messages.list({}, everything)).toMatchObject({ total: 1, data: [{ message_id: "shared" }] });
        expect((await again.messages.insertIfAbsent(keyed(aMessage({ message_id: "shared" })))).kind).toBe("duplicate");
      } finally {
        await again.close();
      }
    });
  });

  describe("availability", () => {
    it("ping resolves on an open database", async () => {
      await expect(repo().ping()).resolves.toBeUndefined();
    });

    it("rejects every call with StorageUnavailableError once closed", async () => {
      await repo().insertIfAbsent(keyed(aMessage()));
      const messages = repo();
      await fresh.storage.close();
      await expect(messages.ping()).rejects.toBeInstanceOf(StorageUnavailableError);
      await expect(messages.insertIfAbsent(keyed(aMessage()))).rejects.toBeInstanceOf(StorageUnavailableError);
      await expect(messages.list({}, everything)).rejects.toBeInstanceOf(StorageUnavailableError);
      await expect(messages.stats(10)).rejects.toBeInstanceOf(StorageUnavailableError);
    });

    it("says only 'storage unavailable' and keeps the cause for the logs", async () => {
      const messages = repo();
      await fresh.storage.close();
      const error = await messages.ping().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StorageUnavailableError);
      expect((error as Error).message).toBe("storage unavailable");
      expect((error as Error).cause).toBeInstanceOf(Error);
    });
  });
});
