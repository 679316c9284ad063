// The repository's filters — from, sinceKey, q and their combinations — run against every database in DATABASES.
import { describe, expect, it } from "vitest";
import type { MessageFilter } from "../../src/application/ports.js";
import { dateTimeKey } from "../../src/domain/message.js";
import { DATABASES } from "../support/databases.js";
import { aMessage } from "../support/messages.js";
import { pageOf, useFreshStorage } from "./fresh-storage.js";

const everything = { limit: 100, offset: 0 };
const T = (time: string) => `2025-01-15T${time}Z`;
const sinceKey = (value: string): string => {
  const key = dateTimeKey(value);
  if (key === null) throw new Error(`test bug: ${value} is not a date-time`);
  return key;
};

describe.each(DATABASES)("message filters on $name", (database) => {
  const fresh = useFreshStorage(database);
  const repo = () => fresh.storage.messages;
  const ids = async (filter: MessageFilter = {}) => (await repo().list(filter, everything)).data.map((m) => m.message_id);

  it("from matches the sender exactly, never a prefix", async () => {
    await fresh.insertAll([
      aMessage({ message_id: "one", from: "+1" }),
      aMessage({ message_id: "twelve", from: "+12" }),
      aMessage({ message_id: "long", from: "+123" }),
      aMessage({ message_id: "other", from: "+919876543210", to: "+1" }),
    ]);
    expect(await repo().list({ from: "+1" }, everything)).toMatchObject({ total: 1, data: [{ message_id: "one" }] });
    expect(await ids({ from: "+12" })).toEqual(["twelve"]);
    expect(await repo().list({ from: "+99" }, everything)).toEqual(pageOf([], 0));
  });

  it("sinceKey keeps messages at or after the instant, fractions included", async () => {
    await fresh.insertAll([
      aMessage({ message_id: "a", ts: T("10:00:00") }),
      aMessage({ message_id: "b", ts: T("10:00:00.499") }),
      aMessage({ message_id: "c", ts: T("10:00:00.5") }),
      aMessage({ message_id: "d", ts: T("10:00:00.500") }),
      aMessage({ message_id: "e", ts: T("10:00:00.501") }),
      aMessage({ message_id: "f", ts: T("10:00:01") }),
    ]);
    const expected = { total: 4, ids: ["c", "d", "e", "f"] };
    for (const since of [T("10:00:00.5"), T("10:00:00.50"), "2025-01-15T15:30:00.5+05:30", "2025-01-15T05:00:00.5-05:00"]) {
      const page = await repo().list({ sinceKey: sinceKey(since) }, everything);
      expect({ total: page.total, ids: page.data.map((m) => m.message_id) }, since).toEqual(expected);
    }
    expect(await ids({ sinceKey: sinceKey(T("10:00:00")) })).toEqual(["a", "b", "c", "d", "e", "f"]);
    expect(await ids({ sinceKey: sinceKey(T("10:00:00.000")) })).toEqual(["a", "b", "c", "d", "e", "f"]);
    expect(await ids({ sinceKey: sinceKey(T("10:00:00.0001")) })).toEqual(["b", "c", "d", "e", "f"]);
    expect(await ids({ sinceKey: sinceKey(T("10:00:01")) })).toEqual(["f"]);
    expect(await ids({ sinceKey: sinceKey(T("10:00:01.001")) })).toEqual([]);
  });

  it("q is a case-insensitive substring, beyond ASCII too", async () => {
    await fresh.insertAll([
      aMessage({ message_id: "a", text: "hello there" }),
      aMessage({ message_id: "b", text: "Say HeLLo" }),
      aMessage({ message_id: "c", text: "help" }),
      aMessage({ message_id: "d", text: "l'école est finie" }),
      aMessage({ message_id: "e", text: "ÉCOLE" }),
      aMessage({ message_id: "f", text: "ecole sans accent" }),
      aMessage({ message_id: "g", text: "東京で会いましょう 🎉" }),
      aMessage({ message_id: "h", text: "ΣΟΦΙΑ" }),
    ]);
    expect(await ids({ q: "HELLO" })).toEqual(["a", "b"]);
    expect(await ids({ q: "hello" })).toEqual(["a", "b"]);
    expect(await ids({ q: "ÉCOLE" })).toEqual(["d", "e"]);
    expect(await ids({ q: "école" })).toEqual(["d", "e"]);
    expect(await ids({ q: "東京" })).toEqual(["g"]);
    expect(await ids({ q: "🎉" })).toEqual(["g"]);
    expect(await ids({ q: "σοφ" })).toEqual(["h"]);
    expect(await repo().list({ q: "HeLp" }, everything)).toMatchObject({ total: 1, data: [{ message_id: "c" }] });
  });

  it("q finds text that contains it verbatim, even where lower-casing depends on context (Greek sigma)", async () => {
    // Lower-cased as a whole, "ΑΣ" ends in final sigma "ς" while "ΑΣΤΡΟ" keeps "σ": folding must not depend on position.
    await fresh.insertAll([
      aMessage({ message_id: "astro", text: "ΑΣΤΡΟ" }),
      aMessage({ message_id: "other", text: "ΤΡΟΦΗ" }),
    ]);
    expect(await ids({ q: "ΑΣΤΡΟ" })).toEqual(["astro"]);
    expect(await ids({ q: "αστ" })).toEqual(["astro"]);
    expect(await ids({ q: "ΑΣ" })).toEqual(["astro"]);
  });

  it("q finds the k that the Kelvin sign folds to, and plain ASCII around it", async () => {
    // U+212A folds to an ASCII "k": a needle with a k must look past SQLite's ASCII-only lower().
    await fresh.insertAll([
      aMessage({ message_id: "kelvin", text: "300 \u212Aelvin scale" }),
      aMessage({ message_id: "plain", text: "Scale of 1 to 10" }),
    ]);
    expect(await ids({ q: "kelvin" })).toEqual(["kelvin"]);
    expect(await ids({ q: "0 k" })).toEqual(["kelvin"]);
    expect(await ids({ q: "SCALE" })).toEqual(["kelvin", "plain"]);
    expect(await ids({ q: "1 to 10" })).toEqual(["plain"]);
  });

  it("q takes % and _ (and backslash) literally", async () => {
    await fresh.insertAll([
      aMessage({ message_id: "pct", text: "50% off" }),
      aMessage({ message_id: "num", text: "500 off" }),
      aMessage({ message_id: "und", text: "a_b" }),
      aMessage({ message_id: "axb", text: "axb" }),
      aMessage({ message_id: "bsl", text: "C:\\temp\\x" }),
    ]);
    expect(await ids({ q: "50%" })).toEqual(["pct"]);
    expect(await ids({ q: "%" })).toEqual(["pct"]);
    expect(await ids({ q: "a_b" })).toEqual(["und"]);
    expect(await ids({ q: "_" })).toEqual(["und"]);
    expect(await ids({ q: "\\" })).toEqual(["bsl"]);
    expect(await ids({ q: "\\t" })).toEqual(["bsl"]);
    expect(await ids({ q: "0%" })).toEqual(["pct"]);
  });

  it("q never matches a message without text", async () => {
    await fresh.insertAll([
      aMessage({ message_id: "none", text: null }),
      aMessage({ message_id: "word", text: "null" }),
      aMessage({ message_id: "empty", text: "" }),
    ]);
    expect(await ids({ q: "null" })).toEqual(["word"]);
    expect(await ids({ q: "l" })).toEqual(["word"]);
    expect(await repo().list({ q: "u" }, everything)).toMatchObject({ total: 1 });
  });

  it("combines from, sinceKey and q, and pages the combination with its own total", async () => {
    const A = "+14155550001";
    const B = "+14155550002";
    await fresh.insertAll([
      aMessage({ message_id: "a1", from: A, ts: T("09:00:00"), text: "order shipped" }),
      aMessage({ message_id: "a2", from: A, ts: T("10:00:00"), text: "ORDER delivered" }),
      aMessage({ message_id: "a3", from: A, ts: T("10:00:00.25"), text: "refund" }),
      aMessage({ message_id: "a4", from: A, ts: T("11:00:00"), text: "New order" }),
      aMessage({ message_id: "a5", from: A, ts: T("12:00:00"), text: null }),
      aMessage({ message_id: "a6", from: A, ts: T("12:30:00"), text: "reorder" }),
      aMessage({ message_id: "b1", from: B, ts: T("11:00:00"), text: "order" }),
    ]);
    const filter = { from: A, sinceKey: sinceKey(T("10:00:00")), q: "Order" };
    expect(await ids(filter)).toEqual(["a2", "a4", "a6"]);
    expect(await repo().list(filter, { limit: 2, offset: 1 })).toMatchObject({
      total: 3,
      data: [{ message_id: "a4" }, { message_id: "a6" }],
    });
    expect(await repo().list({ from: A, q: "order" }, { limit: 1, offset: 0 })).toMatchObject({
      total: 4,
      data: [{ message_id: "a1" }],
    });
    expect(await ids({ sinceKey: sinceKey(T("11:00:00")), q: "ORDER" })).toEqual(["a4", "b1", "a6"]);
    expect(await ids({ from: B, sinceKey: sinceKey(T("11:00:00.001")) })).toEqual([]);
  });
});
