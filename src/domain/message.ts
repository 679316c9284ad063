// The message and the rules every layer shares: field limits, E.164, timestamps as instants.

export const MESSAGE_ID_MAX_CHARS = 256;
export const TEXT_MAX_CHARS = 4096;
export const E164_PATTERN = /^\+[1-9][0-9]{0,14}$/;

export interface Message {
  message_id: string;
  from: string;
  to: string;
  /** The timestamp exactly as the sender wrote it. */
  ts: string;
  text: string | null;
}

/** A message as validated on arrival, with the sort key of the instant its `ts` names worked out there, once. */
export interface ReceivedMessage extends Message {
  /** See `timestampKey`. */
  tsKey: string;
}

/** A place in the list order (instant, then message_id): where a page ended, for keyset paging. */
export interface ListPosition {
  /** The instant key (see `timestampKey`) of the message there. */
  key: string;
  messageId: string;
}

/** Which way a list runs: `asc` oldest instant first (then message_id), `desc` the exact reverse. */
export type ListOrder = "asc" | "desc";

export const isE164 = (value: string): boolean => E164_PATTERN.test(value);

/** Length in Unicode code points, as JSON Schema and most senders count characters. */
export const charCount = (value: string): number => {
  let count = 0;
  for (const _ of value) count++;
  return count;
};

/**
 * Text a database can store and give back unchanged: well-formed Unicode (no lone
 * surrogates) and no NUL, which PostgreSQL refuses in text columns.
 */
export const isStorableText = (value: string): boolean => value.isWellFormed() && !value.includes("\u0000");

/** Nanoseconds: finer than any clock that stamps messages, and it keeps the stored key small enough to index. */
export const MAX_FRACTION_DIGITS = 9;
const FRACTION = `(?:\\.(\\d{1,${MAX_FRACTION_DIGITS}}))`;
const TIMESTAMP = new RegExp(`^(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2}):(\\d{2})${FRACTION}?Z$`);
const DATE_TIME = new RegExp(
  `^(\\d{4})-(\\d{2})-(\\d{2})[Tt](\\d{2}):(\\d{2})(?::(\\d{2})${FRACTION}?)?(?:([Zz])|([+-])(\\d{2}):?(\\d{2}))$`,
);

const isLeapYear = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const daysInMonth = (y: number, m: number) =>
  m === 2 ? (isLeapYear(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  fraction: string;
}

const validParts = (p: Parts): boolean =>
  p.month >= 1 &&
  p.month <= 12 &&
  p.day >= 1 &&
  p.day <= daysInMonth(p.year, p.month) &&
  p.hour <= 23 &&
  p.minute <= 59 &&
  p.second <= 59;

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/**
 * An instant as a string that sorts like time: `YYYY-MM-DDTHH:MM:SS[.fraction]` in UTC with
 * trailing zeros of the fraction dropped, so `…00` < `…00.25` < `…00.5` < `…01` compare as text
 * in every database, at any sub-second precision.
 */
const instantKey = (p: Parts): string => {
  const fraction = p.fraction.replace(/0+$/, "");
  return (
    `${pad(p.year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)}T${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}` +
    (fraction ? `.${fraction}` : "")
  );
};

/** The sort key of a message timestamp (`…Z`, a real calendar date and time), or null when it is not one. */
export const timestampKey = (ts: string): string | null => {
  const m = TIMESTAMP.exec(ts);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, fraction = ""] = m;
  const parts = { year: +y!, month: +mo!, day: +d!, hour: +h!, minute: +mi!, second: +s!, fraction };
  return validParts(parts) ? instantKey(parts) : null;
};

export const isTimestamp = (ts: string): boolean => timestampKey(ts) !== null;

/** Key for these bounds: before every stored instant, after every stored instant. */
const BEFORE_ALL = "";
const AFTER_ALL = "~";

/**
 * The sort key of an ISO-8601 date-time with `Z` or a UTC offset (`+05:30`, `+0530`), as used by
 * the `since` filter; null when it is not one.
 */
export const dateTimeKey = (value: string): string | null => {
  const m = DATE_TIME.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s = "0", fraction = "", , sign, oh = "0", om = "0"] = m;
  const parts = { year: +y!, month: +mo!, day: +d!, hour: +h!, minute: +mi!, second: +s, fraction };
  if (!validParts(parts) || +oh > 23 || +om > 59) return null;
  const offsetMinutes = sign ? (sign === "-" ? -1 : 1) * (+oh * 60 + +om) : 0;
  if (offsetMinutes === 0) return instantKey(parts);

  const local = new Date(0);
  local.setUTCFullYear(parts.year, parts.month - 1, parts.day);
  local.setUTCHours(parts.hour, parts.minute - offsetMinutes, parts.second, 0);
  const year = local.getUTCFullYear();
  if (year < 0) return BEFORE_ALL;
  if (year > 9999) return AFTER_ALL;
  return instantKey({
    year,
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    fraction,
  });
};
