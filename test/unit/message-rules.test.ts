// Domain rules in src/domain/message.ts: E.164, timestamps as sortable instants, text limits.
import { describe, expect, it } from "vitest";
import { charCount, dateTimeKey, isE164, isStorableText, isTimestamp, timestampKey } from "../../src/domain/message.js";

/** mulberry32: seeded, so a failing sample reproduces. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

describe("isE164", () => {
  it.each(["+1", "+919876543210", "+123456789012345"])("accepts %s", (value) => {
    expect(isE164(value)).toBe(true);
  });

  it.each(["919876543210", "+0123", "+1234567890123456", "+1abc", "+91 98765", "+", "", "+١٢٣", " +1", "+1\n"])(
    "rejects %j",
    (value) => {
      expect(isE164(value)).toBe(false);
    },
  );
});

describe("timestampKey / isTimestamp", () => {
  it.each([
    ["2025-01-15T10:00:00Z", "2025-01-15T10:00:00"],
    ["2025-01-15T10:00:00.123456Z", "2025-01-15T10:00:00.123456"],
    ["2025-01-15T10:00:00.123456789Z", "2025-01-15T10:00:00.123456789"],
    ["2025-01-15T10:00:00.000Z", "2025-01-15T10:00:00"],
    ["2024-02-29T23:59:59Z", "2024-02-29T23:59:59"],
    ["2000-02-29T00:00:00Z", "2000-02-29T00:00:00"],
  ])("accepts %s", (ts, key) => {
    expect(timestampKey(ts)).toBe(key);
    expect(isTimestamp(ts)).toBe(true);
  });

  it.each([
    "2023-02-29T10:00:00Z", // not a leap year
    "2100-02-29T10:00:00Z", // a century not divisible by 400
    ...["2025-04-31T10:00:00Z", "2025-13-01T10:00:00Z", "2025-00-10T10:00:00Z", "2025-01-32T10:00:00Z"],
    ...["2025-01-00T10:00:00Z", "2025-01-15T24:00:00Z", "2025-01-15T10:60:00Z", "2025-01-15T10:00:60Z"],
    ...["2025-01-15T10:00:00", "2025-01-15T10:00:00z", "2025-01-15t10:00:00Z", "2025-01-15 10:00:00Z"],
    ...["2025-01-15T10:00:00+05:30", "2025-01-15T10:00:00+00:00", "2025-01-15T10:00Z", "2025-01-15T10:00:00.Z", ""],
    "2025-01-15T10:00:00.1234567890Z", // more than nanoseconds: refused, so the stored key stays indexable
  ])("rejects %j", (ts) => {
    expect(timestampKey(ts)).toBeNull();
    expect(isTimestamp(ts)).toBe(false);
  });

  it("orders keys like the instants they name, at any sub-second precision", () => {
    const ordered = ["2025-01-15T10:00:00Z", "2025-01-15T10:00:00.25Z", "2025-01-15T10:00:00.5Z", "2025-01-15T10:00:01Z"];
    const keys = ordered.map((ts) => timestampKey(ts)!);
    expect([...keys].sort()).toEqual(keys);
    expect(new Set(keys).size).toBe(4);
    expect(timestampKey("2025-01-15T10:00:00.50Z")).toBe(timestampKey("2025-01-15T10:00:00.5Z"));
    expect(timestampKey("2025-01-15T10:00:00.0Z")).toBe(timestampKey("2025-01-15T10:00:00Z"));
  });

  it("agrees with the instant order for random timestamps", () => {
    const random = seeded(0x5eed);
    const sample = (ms = Math.floor(random() * 4_102_444_800_000)) => {
      const iso = new Date(ms).toISOString(); // 1970 … 2100
      const digits = random() < 0.3 ? "" : String(Math.floor(random() * 1000)).padStart(3, "0") + "0".repeat(Math.floor(random() * 3));
      const ts = `${iso.slice(0, 19)}${digits ? `.${digits}` : ""}Z`;
      // Instant in microseconds, exact: whole seconds plus the fraction read as digits.
      const micros = BigInt(Math.floor(ms / 1000)) * 1_000_000n + BigInt((digits + "000000").slice(0, 6));
      return { ts, micros };
    };
    for (let i = 0; i < 2000; i++) {
      const a = sample();
      // Some pairs name one instant written two ways, some share a second, the rest are independent.
      const pick = random();
      const b =
        pick < 0.2
          ? { ...a, ts: a.ts.replace(/Z$/, a.ts.includes(".") ? "0Z" : ".0Z") }
          : pick < 0.6
            ? sample(Number(a.micros / 1000n))
            : sample();
      const ka = timestampKey(a.ts)!;
      const kb = timestampKey(b.ts)!;
      const byKey = ka < kb ? -1 : ka > kb ? 1 : 0;
      const byInstant = a.micros < b.micros ? -1 : a.micros > b.micros ? 1 : 0;
      expect(byKey, `${a.ts} vs ${b.ts}`).toBe(byInstant);
    }
  });
});

describe("dateTimeKey (the since filter)", () => {
  it("names the same instant as timestampKey across offsets", () => {
    const utc = timestampKey("2025-01-15T10:00:00Z");
    expect(utc).toBe("2025-01-15T10:00:00");
    for (const value of [
      "2025-01-15T10:00:00Z",
      "2025-01-15t10:00:00z",
      "2025-01-15T15:30:00+05:30",
      "2025-01-15T15:30:00+0530",
      "2025-01-15T02:00:00-08:00",
      "2025-01-15T10:00Z",
      "2025-01-15T15:30+05:30",
      "2025-01-15T10:00:00-00:00",
    ]) {
      expect(dateTimeKey(value), value).toBe(utc);
    }
  });

  it("keeps the fraction when converting an offset", () => {
    expect(dateTimeKey("2025-01-15T15:30:00.250+05:30")).toBe(timestampKey("2025-01-15T10:00:00.25Z"));
  });

  it.each([
    ["2025-01-01T02:00:00+05:30", "2024-12-31T20:30:00"],
    ["2024-12-31T20:00:00-08:00", "2025-01-01T04:00:00"],
    ["2024-03-01T01:00:00+02:00", "2024-02-29T23:00:00"],
    ["2023-03-01T01:00:00+02:00", "2023-02-28T23:00:00"],
  ])("moves %s across midnight, month and year to %s", (value, key) => {
    expect(dateTimeKey(value)).toBe(key);
  });

  it("agrees with Date for random instants and offsets", () => {
    const random = seeded(42);
    for (let i = 0; i < 1000; i++) {
      const ms = Math.floor(random() * 4_102_444_800) * 1000;
      const offset = (Math.floor(random() * 57) - 28) * 30; // -14:00 … +14:00 in half hours
      const local = new Date(ms + offset * 60_000).toISOString().slice(0, 19);
      const sign = offset < 0 ? "-" : "+";
      const abs = Math.abs(offset);
      const value = `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
      expect(dateTimeKey(value), value).toBe(new Date(ms).toISOString().slice(0, 19));
    }
  });

  it.each([
    ...["yesterday", "", "2025-01-15", "2025-01-15T10:00:00", "2025-01-15 10:00:00Z", "2025-02-30T10:00:00Z"],
    ...["2025-01-15T24:00:00Z", "2025-01-15T10:00:60Z", "2025-01-15T10:00:00+24:00", "2025-01-15T10:00:00+05:60"],
    ...["2025-01-15T10:00:00+5:30", "2025-01-15T10:00:00 05:30"],
  ])("rejects %j", (value) => {
    expect(dateTimeKey(value)).toBeNull();
  });
});

describe("charCount / isStorableText", () => {
  it("counts code points, not UTF-16 units", () => {
    expect(charCount("")).toBe(0);
    expect(charCount("héllo")).toBe(5);
    expect(charCount("😀")).toBe(1);
    expect(charCount("a😀b")).toBe(3);
    expect("😀".repeat(4096).length).toBe(8192);
    expect(charCount("😀".repeat(4096))).toBe(4096);
  });

  it("accepts well-formed text and refuses NUL and lone surrogates", () => {
    expect(isStorableText("Hello 😀 ünïcode")).toBe(true);
    expect(isStorableText("")).toBe(true);
    expect(isStorableText("a\u0000b")).toBe(false);
    expect(isStorableText("\uD800")).toBe(false);
    expect(isStorableText("x\uDC00y")).toBe(false);
    expect(isStorableText("😀".slice(0, 1))).toBe(false);
  });
});
