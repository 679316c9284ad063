// A message's content as one fingerprint: a repeated message_id with other content is told apart without reading the stored text.
import { createHash } from "node:crypto";
import type { Message } from "../../domain/message.js";

/**
 * SHA-256, hex, over from, to and ts in UTF-8, each followed by a NUL (stored strings hold none),
 * then, when there is text, 0x01 and the text: so "" and no text differ. PostgreSQL migration
 * 0005 hashes the same bytes in SQL; the format is frozen with the hashes it has stored.
 */
export function contentHash(message: Pick<Message, "from" | "to" | "ts" | "text">): string {
  const hash = createHash("sha256").update(message.from).update("\0").update(message.to).update("\0").update(message.ts).update("\0");
  if (message.text !== null) hash.update("\u0001").update(message.text);
  return hash.digest("hex");
}
