// Keyset-paging cursors: an opaque, URL-safe token for a place in the list order, and which way that order runs.
import type { ListOrder, ListPosition } from "../domain/message.js";

const MAX_CURSOR_CHARS = 2048;

/** A cursor's content: the position a page ended at, and the order it was made for. */
export interface CursorPosition extends ListPosition {
  order: ListOrder;
}

/** An ascending cursor keeps the two-element form cursors had before `order` existed, so those still work. */
export function encodeCursor({ key, messageId, order }: CursorPosition): string {
  const value = order === "asc" ? [key, messageId] : [key, messageId, order];
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

/** The position a cursor names, or null when it is not one this service issued. */
export function decodeCursor(cursor: string): CursorPosition | null {
  if (cursor.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!Array.isArray(value) || (value.length !== 2 && !(value.length === 3 && value[2] === "desc"))) return null;
    const [key, messageId] = value;
    if (typeof key !== "string" || typeof messageId !== "string") return null;
    return { key, messageId, order: value.length === 3 ? "desc" : "asc" };
  } catch {
    return null;
  }
}
