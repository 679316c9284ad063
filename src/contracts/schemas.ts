// The API's shapes as zod schemas: request validation, response checks, OpenAPI and client types.
import { extendApi } from "@anatine/zod-openapi";
import { z } from "zod";
import {
  MAX_FRACTION_DIGITS,
  MESSAGE_ID_MAX_CHARS,
  TEXT_MAX_CHARS,
  charCount,
  dateTimeKey,
  isE164,
  isStorableText,
  isTimestamp,
} from "../domain/message.js";
import { decodeCursor } from "./cursor.js";
import { queryInt, restorePlus } from "./query-params.js";

const SAMPLE = {
  message_id: "m1",
  from: "+919876543210",
  to: "+14155550100",
  ts: "2025-01-15T10:00:00Z",
  text: "Hello",
};

const E164_MESSAGE = "must be E.164: '+' then 1 to 15 digits, the first not 0";

// Factories, not shared instances: extendApi annotates the schema object it is given.
const e164 = (example: string) =>
  extendApi(z.string().refine(isE164, E164_MESSAGE), { pattern: "^\\+[1-9][0-9]{0,14}$", example });

/** A string that is stored and returned unchanged: well-formed Unicode, no NUL, at most `max` characters. */
const storableString = (max: number) =>
  extendApi(
    z
      .string()
      .refine(isStorableText, "must be well-formed Unicode without NUL characters")
      .refine((s) => charCount(s) <= max, `must be at most ${max} characters`),
    { maxLength: max },
  );

// ---- POST /webhook

export const WebhookBody = extendApi(
  z
    .object({
      message_id: extendApi(storableString(MESSAGE_ID_MAX_CHARS).refine((s) => s.length > 0, "must not be empty"), {
        description: "The sender's id for this message; a repeated id is acknowledged and ignored.",
        minLength: 1,
        example: SAMPLE.message_id,
      }),
      from: extendApi(e164(SAMPLE.from).optional(), { description: "Sender, E.164. Required unless `from_` is given." }),
      from_: extendApi(e164(SAMPLE.from).optional(), { description: "Alias of `from`; if both are given they must be equal." }),
      to: extendApi(e164(SAMPLE.to), { description: "Recipient, E.164.", example: SAMPLE.to }),
      ts: extendApi(
        z.string().refine(isTimestamp, `must be an ISO-8601 UTC timestamp ending in Z (at most ${MAX_FRACTION_DIGITS} fractional digits), a real date and time`),
        {
          description: `When the message was sent: ISO-8601 UTC ending in \`Z\`, up to ${MAX_FRACTION_DIGITS} fractional digits. Returned exactly as sent.`,
          format: "date-time",
          example: SAMPLE.ts,
        },
      ),
      text: extendApi(storableString(TEXT_MAX_CHARS).nullish(), {
        description: `Message text, at most ${TEXT_MAX_CHARS} characters; optional.`,
        example: SAMPLE.text,
      }),
    })
    .superRefine((body, ctx) => {
      if (body.from === undefined && body.from_ === undefined) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["from"], message: "is required (or its alias from_)" });
      } else if (body.from !== undefined && body.from_ !== undefined && body.from !== body.from_) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["from_"], message: "must equal from when both are given" });
      }
    })
    .transform(({ message_id, from, from_, to, ts, text }) => ({
      message_id,
      from: (from ?? from_) as string,
      to,
      ts,
      text: text ?? null,
    })),
  { description: "A message, signed by its sender. Unknown fields are ignored.", example: SAMPLE },
);

export const WebhookHeaders = z.object({
  "x-signature": extendApi(z.string().optional(), {
    description: "Hex HMAC-SHA256 of the raw body, keyed with the webhook secret. Or use the Standard Webhooks headers.",
    example: "5f0c2a0e9f7b6c1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6f708192a3b",
  }),
  "webhook-id": extendApi(z.string().optional(), { description: "Standard Webhooks: the delivery id.", example: "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W" }),
  "webhook-timestamp": extendApi(z.string().optional(), {
    description: "Standard Webhooks: Unix seconds; rejected when too far from the server clock.",
    example: "1736935200",
  }),
  "webhook-signature": extendApi(z.string().optional(), {
    description: "Standard Webhooks: space-separated `v1,<base64 HMAC-SHA256 of id.timestamp.body>` entries.",
    example: "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
  }),
});

export const Ok = z.object({ status: extendApi(z.literal("ok"), { description: "Stored, now or before.", example: "ok" }) });

// ---- GET /messages

export const MessagesQuery = z.object({
  limit: queryInt(1, 100, 50, "Page size, 1 to 100."),
  offset: queryInt(0, Number.MAX_SAFE_INTEGER, 0, "Messages to skip, 0 or more."),
  from: extendApi(z.string().transform(restorePlus).refine(isE164, E164_MESSAGE).optional(), {
    description: "Only messages from this sender (exact E.164 match; encode `+` as `%2B`).",
    example: SAMPLE.from,
  }),
  since: extendApi(
    z
      .string()
      .transform(restorePlus)
      .refine((s) => dateTimeKey(s) !== null, "must be an ISO-8601 date-time with Z or a UTC offset")
      .optional(),
    {
      description: "Only messages whose `ts` instant is at or after this date-time (`Z` or an offset such as `+05:30`).",
      format: "date-time",
      example: "2025-01-15T09:00:00Z",
    },
  ),
  cursor: extendApi(
    z
      .string()
      .transform((cursor, ctx) => {
        if (cursor === "") return null;
        const position = decodeCursor(cursor);
        if (position === null) ctx.addIssue({ code: z.ZodIssueCode.custom, message: "is not a cursor this service issued" });
        return position ?? z.NEVER;
      })
      .optional(),
    {
      description:
        "Keyset paging, fast at any depth: send it empty for the first page, then each answer's `next_cursor` " +
        "until that is null. Combines with the filters; `offset` then skips further. Without it, answers carry no `next_cursor`.",
      example: "",
    },
  ),
  q: extendApi(
    z
      .string()
      .refine((s) => charCount(s) <= TEXT_MAX_CHARS, `must be at most ${TEXT_MAX_CHARS} characters`)
      .optional(),
    {
      description: "Case-insensitive substring of `text`; `%` and `_` match themselves. Empty means no filter.",
      example: "hello",
    },
  ),
});

/** A schema with its description and example, as the OpenAPI document shows them. */
const doc = <T extends z.ZodTypeAny>(schema: T, description: string, example?: unknown) =>
  extendApi(schema, example === undefined ? { description } : { description, example });

export const Message = extendApi(
  z.object({
    message_id: doc(z.string(), "The sender's id; unique across stored messages.", SAMPLE.message_id),
    from: doc(z.string(), "Sender, E.164.", SAMPLE.from),
    to: doc(z.string(), "Recipient, E.164.", SAMPLE.to),
    ts: doc(z.string(), "When it was sent, exactly as received.", SAMPLE.ts),
    text: doc(z.string().nullable(), "The text; null when the message had none.", SAMPLE.text),
  }),
  { title: "Message", description: "A stored message.", example: SAMPLE },
);

export const MessagePage = extendApi(
  z.object({
    data: doc(z.array(Message), "This page, by `ts` instant then `message_id`."),
    total: doc(z.number().int().nonnegative(), "All matching messages, ignoring limit and offset.", 1),
    limit: doc(z.number().int(), "The page size used.", 50),
    offset: doc(z.number().int(), "The messages skipped.", 0),
    next_cursor: doc(
      z.string().nullable().optional(),
      "Only when the request sent `cursor`: the cursor of the next page, or null after the last page.",
      "WyIyMDI1LTAxLTE1VDEwOjAwOjAwIiwibTEiXQ",
    ),
  }),
  { example: { data: [SAMPLE], total: 1, limit: 50, offset: 0 } },
);

// ---- GET /stats

const TOP_SENDERS_RULE = "At most 10, by count descending, ties by `from` ascending.";
const senderCounts = (description: string) =>
  doc(
    z.array(
      z.object({
        from: doc(z.string(), "Sender, E.164.", SAMPLE.from),
        count: doc(z.number().int().positive(), "Messages from this sender.", 1),
      }),
    ),
    description,
  );

export const Stats = extendApi(
  z.object({
    total_messages: doc(z.number().int().nonnegative(), "Stored messages.", 1),
    unique_senders: doc(z.number().int().nonnegative(), "Distinct `from` values.", 1),
    senders_count: doc(
      z.number().int().nonnegative(),
      "The original assignment's name for `unique_senders`; always the same number.",
      1,
    ),
    top_senders: senderCounts(TOP_SENDERS_RULE),
    messages_per_sender: senderCounts(
      `The original assignment's name for \`top_senders\`; always the same list. ${TOP_SENDERS_RULE}`,
    ),
    first_message_ts: doc(z.string().nullable(), "`ts` of the earliest instant, as received; null when empty.", SAMPLE.ts),
    last_message_ts: doc(z.string().nullable(), "`ts` of the latest instant, as received; null when empty.", SAMPLE.ts),
  }),
  {
    example: {
      total_messages: 1,
      unique_senders: 1,
      senders_count: 1,
      top_senders: [{ from: SAMPLE.from, count: 1 }],
      messages_per_sender: [{ from: SAMPLE.from, count: 1 }],
      first_message_ts: SAMPLE.ts,
      last_message_ts: SAMPLE.ts,
    },
  },
);

// ---- Health

export const Live = z.object({ status: doc(z.literal("live"), "The process serves HTTP.", "live") });
export const Ready = z.object({ status: doc(z.literal("ready"), "Database answers and a secret is set.", "ready") });
export const NotReady = z.object({
  status: doc(z.literal("not ready"), "Not taking webhooks now.", "not ready"),
  reason: doc(z.string(), "What is missing: the webhook secret or the database.", "webhook secret not configured"),
});

// ---- Errors

export const ErrorBody = z.object({
  detail: doc(z.string(), "What went wrong, for a person to read.", "invalid signature"),
});

export const SignatureErrorBody = z.object({
  detail: doc(z.string(), "Always `invalid signature`, for clients that match on it.", "invalid signature"),
  reason: doc(
    z.string(),
    "What to fix: no signature sent; a malformed one (not 64 hex digits, a GitHub-style `sha256=` prefix, " +
      "incomplete Standard Webhooks headers); a signature that does not match these bytes; or a " +
      "`webhook-timestamp` outside the tolerance window. Never the expected value.",
    "X-Signature does not match the body: sign the exact bytes sent, with the webhook secret",
  ),
});

export const ValidationErrorBody = z.object({
  detail: doc(z.string(), "A summary of the refusal.", "validation failed"),
  errors: doc(
    z.array(
      z.object({
        path: doc(z.string(), "Dotted path of the offending field or parameter, e.g. `from` or `limit`.", "to"),
        message: doc(z.string(), "What is wrong with it, naming the field and the rule.", `to ${E164_MESSAGE}`),
      }),
    ),
    "One entry per problem found.",
  ),
});

export type WebhookBody = z.infer<typeof WebhookBody>;
export type MessagesQuery = z.infer<typeof MessagesQuery>;
export type Message = z.infer<typeof Message>;
export type MessagePage = z.infer<typeof MessagePage>;
export type Stats = z.infer<typeof Stats>;
export type ErrorBody = z.infer<typeof ErrorBody>;
export type ValidationErrorBody = z.infer<typeof ValidationErrorBody>;
export type SignatureErrorBody = z.infer<typeof SignatureErrorBody>;
