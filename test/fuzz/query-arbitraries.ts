// Query strings for GET /messages: parameters with the verdict the spec gives them, sent in every legal encoding and some illegal ones.
import fc from "fast-check";
import type { Message } from "../../src/domain/message.js";
import { percentJunk } from "./support.js";

/** The date-times `since` takes (Z or an offset, seconds optional, T/Z in either case) as nanoseconds; null otherwise. */
export function instant(value: string): bigint | null {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,9}))?)?(?:[Zz]|([+-])([0-9]{2}):?([0-9]{2}))$/.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi, s = 0] = m.slice(1, 7).map((x) => (x === undefined ? 0 : Number(x))) as number[];
  const [oh, om] = [Number(m[9] ?? 0), Number(m[10] ?? 0)];
  const date = new Date(0);
  date.setUTCFullYear(y!, mo! - 1, d);
  date.setUTCHours(h!, mi, s);
  const real = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()];
  if (real.join() !== [y, mo, d, h, mi, s].join() || oh > 23 || om > 59) return null;
  const offsetMinutes = (m[8] === "-" ? -1 : 1) * (oh * 60 + om);
  return (BigInt(date.getTime()) - BigInt(offsetMinutes) * 60_000n) * 1_000_000n + BigInt((m[7] ?? "").padEnd(9, "0"));
}

/** Case folded one code point at a time, so a needle folds the same inside and outside the text. */
export const fold = (s: string) => Array.from(s, (c) => c.toLowerCase()).join("");

export type Verdict = "valid" | "invalid" | "either";
export interface Param {
  key: string;
  /** What the server must see after decoding. */
  value: string;
  verdict: Verdict;
}

const v = (verdict: Verdict) => (value: string) => ({ value, verdict });
const digits = (n: number) => fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: 1, maxLength: n });

const limit = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 100 }).map(String).map(v("valid")) },
  fc.constantFrom("0", "101", "-1", "1.5", "1e1", "0x10", " 5", "5 ", "", "abc", "+5", "１０", "99999999999999999999").map(v("invalid")),
  { weight: 3, arbitrary: fc.oneof(fc.constantFrom(0, 101, 150, 1000), fc.integer({ min: 101 })).map(String).map(v("invalid")) },
  fc.oneof(digits(4), fc.string({ maxLength: 4 })).map(v("either")),
);

const offset = fc.oneof(
  { weight: 8, arbitrary: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }), fc.maxSafeNat()).map(String).map(v("valid")) },
  fc.constantFrom("-1", "1.0", "", "9007199254740992", "1e3", "one", "0b1").map(v("invalid")),
  fc.oneof(digits(20), fc.string({ maxLength: 4 })).map(v("either")),
);

const e164 = fc.tuple(fc.integer({ min: 1, max: 9 }), fc.string({ unit: fc.constantFrom(..."0123456789"), maxLength: 14 })).map(([a, b]) => `+${a}${b}`);
const from = (senders: string[]) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.oneof(fc.constantFrom(...senders), e164).map(v("valid")) },
    fc.constantFrom("", "919876543210", "+0123", "+", "+1234567890123456", "+91 98", "abc", "++1").map(v("invalid")),
    fc.string({ maxLength: 8 }).map(v("either")),
  );

const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, "0");
/** A date-time naming the given instant (ms) in some offset, written in one of the accepted shapes. */
const dateTimeAt = (ms: number, fraction: string) =>
  fc.record({ offset: fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }), zulu: fc.boolean(), t: fc.constantFrom("T", "t"), colon: fc.boolean(), z: fc.constantFrom("Z", "z") }).map(
    ({ offset, zulu, t, colon, z }) => {
      const minutes = zulu ? 0 : offset;
      const local = new Date(ms + minutes * 60_000).toISOString();
      const zone = zulu ? z : `${minutes < 0 ? "-" : "+"}${pad(Math.trunc(minutes / 60))}${colon ? ":" : ""}${pad(minutes % 60)}`;
      return `${local.slice(0, 10)}${t}${local.slice(11, 19)}${fraction ? `.${fraction}` : ""}${zone}`;
    },
  );

const since = (seeds: Message[]) =>
  fc.oneof(
    // The seeds' own instants, in other offsets: "at or after" must include the boundary.
    { weight: 6, arbitrary: fc.constantFrom(...seeds.filter((m) => m.ts >= "1000" && m.ts < "9000")).chain((m) => {
      const [whole, fraction = ""] = m.ts.slice(0, -1).split(".");
      return dateTimeAt(Date.parse(`${whole}Z`), fraction!);
    }).map(v("valid")) },
    { weight: 3, arbitrary: fc.tuple(fc.integer({ min: Date.UTC(1000, 0), max: Date.UTC(8999, 0) }), fc.oneof(fc.constant(""), digits(9))).chain(([ms, f]) => dateTimeAt(ms - (ms % 1000), f)).map(v("valid")) },
    fc.constantFrom("2025-01-15T10:00Z", "0000-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "2025-01-15T10:00:00+0530").map(v("valid")),
    fc.constantFrom("", "2025-01-15", "2025-01-15T10:00:00", "2025-02-30T00:00:00Z", "2025-01-15T25:00:00Z", "2025-01-15T10:00:00+24:00", "yesterday", "2025-01-15 10:00:00Z", "1736935200").map(v("invalid")),
    fc.oneof(fc.string({ maxLength: 12 }), fc.constant("2025-01-15T10:00:00.1234567890Z")).map(v("either")),
  );

const q = (seeds: Message[]) => {
  const texts = seeds.map((m) => m.text ?? "").filter((t) => t.length > 0);
  const slice = fc.tuple(fc.constantFrom(...texts), fc.nat(), fc.nat(), fc.boolean()).map(([t, a, b, up]) => {
    const cps = [...t].slice(Math.min(a, b) % t.length, Math.max(a, b) % (t.length + 1));
    return cps.map((c) => (up && c.toUpperCase().length === c.length ? c.toUpperCase() : c)).join("");
  });
  return fc.oneof(
    { weight: 10, arbitrary: fc.oneof(slice, slice, fc.string({ unit: "binary", maxLength: 6 }), fc.constantFrom("%", "_", "%_", "a%", "\u0000", "Hello\u0000", "")).map(v("valid")) },
    fc.constant("x".repeat(4096)).map(v("valid")),
    fc.constantFrom("x".repeat(4097), `${"é".repeat(4096)}x`).map(v("invalid")),
  );
};

const junkKey = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom("limit[]", "q[a]", "from[0]", "__proto__", "constructor", "toString", "LIMIT", "Limit", " limit", "a[b]"));
// Every parameter GET /messages reads, so a junk key never happens to be one.
const KNOWN = ["limit", "offset", "from", "to", "since", "until", "q", "order", "cursor"];

export const param = (seeds: Message[], senders: string[]): fc.Arbitrary<Param> =>
  fc.oneof(
    limit.map((p) => ({ key: "limit", ...p })),
    offset.map((p) => ({ key: "offset", ...p })),
    from(senders).map((p) => ({ key: "from", ...p })),
    since(seeds).map((p) => ({ key: "since", ...p })),
    { weight: 2, arbitrary: q(seeds).map((p) => ({ key: "q", ...p })) },
    { weight: 2, arbitrary: fc.tuple(junkKey.filter((k) => !KNOWN.includes(k)), fc.string({ maxLength: 10 })).map(([key, value]) => ({ key, value, verdict: "valid" as const })) },
  );

/** One legal way to write a key or value on the wire; `raw` only where the characters need no escape ('+' reads as a space). */
const overEncode = (s: string) => [...Buffer.from(s, "utf8")].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
export const encoding = fc.constantFrom("component", "form", "raw", "over", "lowerhex");
export function encode(text: string, how: string, plusMeansSpaceIsFine: boolean): string {
  const component = encodeURIComponent(text);
  if (how === "form") return component.replace(/%20/g, "+");
  if (how === "over") return overEncode(text);
  if (how === "lowerhex") return component.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase());
  if (how === "raw" && /^[A-Za-z0-9\-._~:+]*$/.test(text) && (plusMeansSpaceIsFine || !text.includes("+"))) return text;
  return component;
}

/** What a parser that follows the URL standard sees: '+' is a space; an escape that is not UTF-8 is an error (null). */
export function decodeComponent(wire: string): string | null {
  const bytes: number[] = [];
  for (let i = 0; i < wire.length; i++) {
    if (wire[i] !== "%") {
      bytes.push(...Buffer.from(wire[i] === "+" ? " " : wire[i]!, "utf8"));
      continue;
    }
    const hex = wire.slice(i + 1, i + 3);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) return null;
    bytes.push(parseInt(hex, 16));
    i += 2;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(new Uint8Array(bytes));
  } catch {
    return null;
  }
}

/** A percent sequence spliced into an encoded key or value, at a random place. */
export const splice = fc.tuple(percentJunk, fc.nat()).map(([junk, at]) => (wire: string) => {
  const cut = at % (wire.length + 1);
  return wire.slice(0, cut) + junk + wire.slice(cut);
});
export { KNOWN };
