// Keyset cursors of GET /deliveries: an opaque, URL-safe token for the id a page continues before.

/** The largest id a bigint identity can hand out: anything beyond cannot have been issued. */
const MAX_ID = 2n ** 63n - 1n;
const PREFIX = "d";

export function encodeDeliveryCursor(id: string): string {
  return Buffer.from(`${PREFIX}${id}`, "utf8").toString("base64url");
}

/** The id a cursor names, or null when it is not one this service issued. */
export function decodeDeliveryCursor(cursor: string): string | null {
  if (cursor.length > 64 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const id = /^d([1-9][0-9]{0,18})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"))?.[1];
  return id !== undefined && BigInt(id) <= MAX_ID ? id : null;
}
