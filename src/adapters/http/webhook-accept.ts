// A webhook body the contract plainly accepts, taken without running its schema; anything else goes to the schema.
import type { WebhookBody } from "../../contracts/webhook-schemas.js";
import { MESSAGE_ID_MAX_CHARS, TEXT_MAX_CHARS, charCount, isE164, isStorableText, timestampKey } from "../../domain/message.js";

type Fields = Record<string, unknown>;

/** Code points, counted only when UTF-16 units exceed the limit: a string never has more code points than units. */
const withinChars = (s: string, max: number) => s.length <= max || charCount(s) <= max;
const storable = (value: unknown, max: number): value is string => typeof value === "string" && isStorableText(value) && withinChars(value, max);
const phone = (value: unknown): value is string => typeof value === "string" && isE164(value);

/**
 * What `WebhookBody.safeParse(json).data` would be, or undefined to ask the schema. The schema stays
 * the authority: this takes only bodies it accepts and gives what it gives (a property test holds
 * the two together), and every refusal, with its wording, is the schema's. Why it exists: the
 * schema's ten refinements allocate a context each, a quarter of a webhook's garbage.
 */
export function acceptedWebhook(json: unknown): WebhookBody | undefined {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return undefined;
  const { message_id, from, from_, to, ts, text } = json as Fields;
  if (!storable(message_id, MESSAGE_ID_MAX_CHARS) || message_id.length === 0) return undefined;
  if (!phone(to) || typeof ts !== "string") return undefined;
  if (text !== undefined && text !== null && !storable(text, TEXT_MAX_CHARS)) return undefined;
  // `from` or its alias `from_`; both given, they agree.
  if (from === undefined ? !phone(from_) : !phone(from) || (from_ !== undefined && from_ !== from)) return undefined;
  const tsKey = timestampKey(ts);
  if (tsKey === null) return undefined;
  return { message_id, from: (from ?? from_) as string, to, ts, text: (text ?? null) as string | null, tsKey };
}
