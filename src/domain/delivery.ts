// A webhook attempt as the delivery log keeps it: what came of it and facts about the request, never its content.
import { MESSAGE_ID_MAX_CHARS, dateTimeKey } from "./message.js";

export const WEBHOOK_RESULTS = [
  "created",
  "duplicate",
  "conflict",
  "invalid_signature",
  "stale_timestamp",
  "too_large",
  "unsupported_media_type",
  "validation_error",
  "not_configured",
  "unavailable",
  "bad_request",
] as const;
export type WebhookResult = (typeof WEBHOOK_RESULTS)[number];

/** Which signature headers the request carried: `standard` when any webhook-* header was sent. */
export const SIGNATURE_SCHEMES = ["x-signature", "standard", "none"] as const;
export type SignatureScheme = (typeof SIGNATURE_SCHEMES)[number];

/** The results that stored a message, or found it stored: the log is for everything else. */
export const isLoggedResult = (result: WebhookResult): boolean => result !== "created" && result !== "duplicate";

export const USER_AGENT_MAX_CHARS = 256;
export const REASON_MAX_CHARS = 1024;
/** Request ids and client addresses are far shorter; the cap only keeps an entry's size bounded. */
const SHORT_FIELD_MAX_CHARS = 256;

export interface Delivery {
  /** ISO-8601 UTC with milliseconds, as `Date.prototype.toISOString` writes it. */
  receivedAt: string;
  requestId: string;
  result: WebhookResult;
  reason: string | null;
  /** Only when the signature held and the body parsed. */
  messageId: string | null;
  signatureScheme: SignatureScheme;
  bodyBytes: number;
  /** Hex; null when the body was not read. */
  bodySha256: string | null;
  clientAddress: string | null;
  /** At most USER_AGENT_MAX_CHARS characters, cut by the caller. */
  userAgent: string | null;
}

export interface StoredDelivery extends Delivery {
  /** Its place in arrival order, as a decimal string (it may exceed 2^53 as a bigint on PostgreSQL). */
  id: string;
}

/**
 * The instant of an ISO-8601 date-time with `Z` or an offset (see `dateTimeKey`), written as
 * `receivedAt` is, rounded up to the millisecond: `receivedAt >= it` as text is then exactly
 * "received at or after the date-time". Null when the value is not a date-time.
 */
export const receivedAtBound = (value: string): string | null => {
  const key = dateTimeKey(value);
  if (key === null) return null;
  // The keys for instants outside years 0000–9999.
  if (key === "") return "0000-01-01T00:00:00.000Z";
  if (key === "~") return "9999-12-31T23:59:59.999Z";
  const [, seconds, fraction = ""] = /^(.{19})(?:\.(\d+))?$/.exec(key)!;
  const millis = Number(fraction.slice(0, 3).padEnd(3, "0")) + (/[1-9]/.test(fraction.slice(3)) ? 1 : 0);
  if (millis < 1000) return `${seconds}.${String(millis).padStart(3, "0")}Z`;
  // A fraction above .999 rounds up into the next second; Date carries it into minutes, days and years.
  const next = new Date(`${seconds}Z`);
  next.setUTCSeconds(next.getUTCSeconds() + 1);
  return next.getUTCFullYear() > 9999 ? "9999-12-31T23:59:59.999Z" : next.toISOString();
};

/** Text every database stores and gives back: lone surrogates and NUL become U+FFFD; at most `max` code points. */
const storable = (value: string, max: number): string => {
  const clean = value.toWellFormed().replaceAll("\u0000", "\uFFFD");
  return clean.length <= max ? clean : Array.from(clean).slice(0, max).join("");
};
const storableOrNull = (value: string | null, max: number) => (value === null ? null : storable(value, max));

/**
 * The delivery with every text made storable and cut to its limit, so that no entry, whatever a
 * request carried, can make the batch it is written in fail.
 */
export const storableDelivery = (delivery: Delivery): Delivery => ({
  ...delivery,
  requestId: storable(delivery.requestId, SHORT_FIELD_MAX_CHARS),
  reason: storableOrNull(delivery.reason, REASON_MAX_CHARS),
  messageId: storableOrNull(delivery.messageId, MESSAGE_ID_MAX_CHARS),
  clientAddress: storableOrNull(delivery.clientAddress, SHORT_FIELD_MAX_CHARS),
  userAgent: storableOrNull(delivery.userAgent, USER_AGENT_MAX_CHARS),
});
