// Keyset-paging cursors: an opaque, URL-safe token for a place in the list order.
import type { ListPosition } from "../domain/message.js";

const MAX_CURSOR_CHARS = 2048;

export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.key, position.messageId]), "utf8").toString("base64url");
}

/** The position a cursor names, or null when it is not one this service issued. */
export function decodeCursor(cursor: string): ListPosition | null {
  if (cursor.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [key, messageId] = value;
    return typeof key === "string" && typeof messageId === "string" ? { key, messageId } : null;
  } catch {
    return null;
  }
}
