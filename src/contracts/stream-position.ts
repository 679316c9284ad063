// Stream positions as event ids: an opaque, URL-safe token for a place in arrival order, and `0` for before every message.
import { ARRIVAL_START, type ArrivalPosition } from "../domain/arrival.js";
import { MESSAGE_ID_MAX_CHARS, charCount } from "../domain/message.js";

const MAX_TOKEN_CHARS = 2048;
/** The largest sequence either database can hold (a signed 64-bit integer). */
const MAX_SEQ = 2n ** 63n - 1n;

/** The token that replays the whole store. */
export const START_TOKEN = "0";

export function encodeStreamPosition({ seq, messageId }: ArrivalPosition): string {
  if (seq === ARRIVAL_START.seq && messageId === ARRIVAL_START.messageId) return START_TOKEN;
  return Buffer.from(JSON.stringify([seq, messageId]), "utf8").toString("base64url");
}

/** The position a token names, or null when it is not one this service issued. */
export function decodeStreamPosition(token: string): ArrivalPosition | null {
  if (token === START_TOKEN) return ARRIVAL_START;
  if (token.length > MAX_TOKEN_CHARS || !/^[A-Za-z0-9_-]+$/.test(token)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [seq, messageId] = value;
    if (typeof seq !== "string" || !/^(0|[1-9][0-9]{0,18})$/.test(seq) || BigInt(seq) > MAX_SEQ) return null;
    if (typeof messageId !== "string" || charCount(messageId) > MESSAGE_ID_MAX_CHARS) return null;
    return { seq, messageId };
  } catch {
    return null;
  }
}
