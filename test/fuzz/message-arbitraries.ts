// Messages for the fuzz suites: generators of valid, near-valid and hostile bodies, and an oracle written from the spec.
import fc from "fast-check";
import type { Message } from "../../src/domain/message.js";

// ---- The oracle: SPEC.md and the README's "Decisions" section, written independently of src/.

const E164 = /^\+[1-9][0-9]{0,14}$/;
const TIMESTAMP = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]{1,9})?Z$/;

const isE164 = (v: unknown): v is string => typeof v === "string" && E164.test(v);

/** A real calendar date and time: the Date built from the fields gives the same fields back. */
export function isTimestamp(v: unknown): v is string {
  const m = typeof v === "string" ? TIMESTAMP.exec(v) : null;
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s);
  const back = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()];
  return back.join() === [y, mo, d, h, mi, s].join();
}

/** Text stored unchanged: well-formed UTF-16, no NUL, a length in code points. */
const isText = (v: unknown, min: number, max: number): v is string =>
  typeof v === "string" && v.isWellFormed() && !v.includes("\u0000") && [...v].length >= min && [...v].length <= max;

// A leading BOM is dropped, as RFC 8259 lets a parser do; any other invalid UTF-8 is not JSON text.
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The message these bytes carry, normalised as the API returns it, or null when they are not a valid message. */
export function expectedMessage(bytes: Uint8Array): Message | null {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const o = value as Record<string, unknown>;
  const has = (key: string) => Object.prototype.hasOwnProperty.call(o, key);
  if (!isText(o.message_id, 1, 256) || !isE164(o.to) || !isTimestamp(o.ts)) return null;
  if ((has("from") && !isE164(o.from)) || (has("from_") && !isE164(o.from_))) return null;
  if (!has("from") && !has("from_")) return null;
  if (has("from") && has("from_") && o.from !== o.from_) return null;
  if (has("text") && o.text !== null && !isText(o.text, 0, 4096)) return null;
  return {
    message_id: o.message_id,
    from: (has("from") ? o.from : o.from_) as string,
    to: o.to,
    ts: o.ts,
    text: (o.text as string | null | undefined) ?? null,
  };
}

// ---- Generators

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: min, maxLength: max });

export const e164 = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 9 }), digits(0, 14)).map(([first, rest]) => `+${first}${rest}`),
  fc.constantFrom("+919876543210", "+14155550100", "+1", "+999999999999999"),
);

export const timestamp = fc
  .tuple(
    fc.date({ min: new Date("0000-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59Z"), noInvalidDate: true }),
    fc.oneof(fc.constant(""), digits(1, 9)),
  )
  .map(([date, fraction]) => `${date.toISOString().slice(0, 19)}${fraction ? `.${fraction}` : ""}Z`);

const anyText = (maxLength: number) =>
  fc.string({ unit: fc.oneof({ weight: 4, arbitrary: fc.constantFrom("a", "Z", "%", "_", " ") }, fc.string({ unit: "binary", minLength: 1, maxLength: 1 })), maxLength });

/** Strings that may be stored: generated freely, kept only when storable (NUL is the one thing `binary` adds). */
const storable = (min: number, max: number) => anyText(max).filter((s) => isText(s, min, max));

const messageId = fc.oneof(
  { weight: 5, arbitrary: fc.uuid().map((u) => `m-${u}`) },
  { weight: 3, arbitrary: storable(1, 12) }, // short ids collide: the duplicate path
  fc.constantFrom("x".repeat(256), "😀".repeat(256), "%", "_", "Ω"),
);

export const validMessageObject = fc
  .record({
    message_id: messageId,
    from: e164,
    to: e164,
    ts: timestamp,
    text: fc.oneof(storable(0, 60), fc.constant(null), fc.constant(undefined), fc.constantFrom("😀".repeat(4096), "é".repeat(4096))),
    alias: fc.constantFrom("from", "from", "from_", "both"),
    extras: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  })
  .map(({ alias, extras, from, text, ...rest }) => {
    const body: Record<string, unknown> = { ...extras, ...rest };
    delete body.from;
    delete body.from_;
    delete body.text;
    if (alias !== "from_") body.from = from;
    if (alias !== "from") body.from_ = from;
    if (text !== undefined) body.text = text;
    return body;
  });

/** Values that break one rule each, or sit right on a limit. */
const tricky = fc.oneof(
  fc.constantFrom<unknown>(
    "", " ", "\u0000", "a\u0000b", "\ud800", "a\udfffb", "x".repeat(257), "😀".repeat(257), "x".repeat(4097), "😀".repeat(4097),
    "+0123", "+1234567890123456", "+123456789012345", "919876543210", "+91 98765", "+٣٣", "+", "+1e5",
    "2025-02-29T00:00:00Z", "2024-02-29T00:00:00Z", "2025-01-15T24:00:00Z", "2025-01-15T23:59:60Z", "2025-01-15T10:00:00z",
    "2025-01-15t10:00:00Z", "2025-01-15T10:00:00+00:00", "2025-01-15T10:00:00.123456789Z", "2025-01-15T10:00:00.1234567890Z",
    "2025-01-15T10:00Z", "2025-1-15T10:00:00Z", "0000-01-01T00:00:00Z", "2025-04-31T00:00:00Z", "２０２５-01-15T10:00:00Z",
    0, 1.5, -1, 1e308, null, true, false, [], {}, ["+14155550100"], { from: "+14155550100" },
  ),
  fc.jsonValue({ maxDepth: 2 }),
  anyText(20),
);

const pad = (n: number, width = 2) => String(n).padStart(width, "0");
/** Timestamp-shaped text, mostly one field pushed just past its range: the oracle, not the generator, says which are real. */
const timestampLike = fc
  .record({
    y: fc.oneof(fc.constantFrom(0, 1900, 2000, 2024, 2025, 2100, 9999), fc.integer({ min: 0, max: 9999 })),
    mo: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 31 }),
    h: fc.integer({ min: 0, max: 23 }),
    mi: fc.integer({ min: 0, max: 59 }),
    s: fc.integer({ min: 0, max: 59 }),
    edit: fc.constantFrom("none", "feb29", "feb29", "day", "month", "hour", "minute", "second", "fraction", "zone"),
    zone: fc.constantFrom("z", "+00:00", "", "Z ", "ZZ"),
  })
  .map(({ y, mo, d, h, mi, s, edit, zone }) => {
    const f = { mo, d, h, mi, s, ...({ feb29: { mo: 2, d: 29 }, day: { d: 32 }, month: { mo: 13 }, hour: { h: 24 }, minute: { mi: 60 }, second: { s: 60 } } as Record<string, object>)[edit] };
    const fraction = edit === "fraction" ? ".1234567890" : "";
    return `${pad(y, 4)}-${pad(f.mo)}-${pad(f.d)}T${pad(f.h)}:${pad(f.mi)}:${pad(f.s)}${fraction}${edit === "zone" ? zone : "Z"}`;
  });
const phoneLike = fc.tuple(fc.constantFrom("+", "+", "", "00", "+ "), digits(0, 17)).map(([p, d]) => p + d);
const textLike = (limit: number) =>
  fc.tuple(fc.constantFrom(limit - 1, limit, limit + 1), fc.constantFrom("x", "😀", "é"), fc.constantFrom("", "\u0000", "\ud800", "\udc00x")).map(([n, c, bad]) => c.repeat(n) + bad);

/** Per field, values near its rules; any field may also get anything at all, or go missing. */
const EDITS = {
  message_id: fc.oneof(textLike(256), fc.constantFrom("", "\u0000", "\ud800", "m\udfff", "x\u0000y")),
  from: phoneLike,
  from_: phoneLike,
  to: phoneLike,
  ts: timestampLike,
  text: fc.oneof(textLike(4096), fc.constantFrom("\ud800", "a\udc00", "\udbff\udbff", "a\u0000", "")),
};

/** A valid message with one to three fields replaced, deleted, or added. */
export const mutatedMessageObject = fc
  .tuple(
    validMessageObject,
    fc.array(
      fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...(Object.keys(EDITS) as (keyof typeof EDITS)[])).chain((k) => fc.tuple(fc.constant<string>(k), EDITS[k])) },
        fc.tuple(fc.oneof(fc.constantFrom(...Object.keys(EDITS)), fc.string({ maxLength: 6 })), fc.option(tricky, { nil: undefined })),
      ),
      { minLength: 1, maxLength: 3 },
    ),
  )
  .map(([body, edits]) => {
    const copy: Record<string, unknown> = { ...body };
    for (const [key, value] of edits) {
      if (value === undefined) delete copy[key];
      else copy[key] = value;
    }
    return copy;
  });

/** A JSON text nested deeper than any sane body, still under the size limit. */
export const deeplyNested = fc
  .tuple(fc.integer({ min: 1_000, max: 12_000 }), fc.constantFrom("array", "object", "inside-message"))
  .map(([depth, shape]) => {
    if (shape === "array") return "[".repeat(depth) + "]".repeat(depth);
    const nested = '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
    if (shape === "object") return nested;
    return JSON.stringify({ message_id: `deep-${depth}`, from: "+14155550100", to: "+14155550100", ts: "2025-01-15T10:00:00Z" }).replace(/}$/, `,"extra":${nested}}`);
  });
