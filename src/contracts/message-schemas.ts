// GET /messages' shapes: the query (since parsed once to its instant key, cursors decoded) and the page it answers.
import { extendApi } from "@anatine/zod-openapi";
import { z } from "zod";
import { TEXT_MAX_CHARS, charCount, dateTimeKey, isE164 } from "../domain/message.js";
import { decodeCursor } from "./cursor.js";
import { E164_MESSAGE, SAMPLE, doc, parsedString, queryInt, restorePlus } from "./schema-parts.js";

// Filters carry no example either: Swagger UI would send it and list a filtered page. Defaults are true ones.
export const MessagesQuery = z.object({
  limit: queryInt(1, 100, 50, "Page size, 1 to 100."),
  offset: queryInt(0, Number.MAX_SAFE_INTEGER, 0, "Messages to skip, 0 or more."),
  from: extendApi(z.string().transform(restorePlus).refine(isE164, E164_MESSAGE).optional(), {
    description: "Only messages from this sender (exact E.164 match; encode `+` as `%2B`), e.g. `+919876543210`.",
  }),
  // Parsed once, here: what the use case gets is the instant's sort key, not the text.
  since: extendApi(
    parsedString((value) => dateTimeKey(restorePlus(value)), "must be an ISO-8601 date-time with Z or a UTC offset").optional(),
    {
      description:
        "Only messages whose `ts` instant is at or after this date-time (`Z` or an offset such as `+05:30`), " +
        "e.g. `2025-01-15T09:00:00Z`.",
      format: "date-time",
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
        "until that is null, e.g. `WyIyMDI1LTAxLTE1VDEwOjAwOjAwIiwibTEiXQ`. Combines with the filters; `offset` then " +
        "skips further. Without it, answers carry no `next_cursor`.",
    },
  ),
  q: extendApi(
    z
      .string()
      .refine((s) => charCount(s) <= TEXT_MAX_CHARS, `must be at most ${TEXT_MAX_CHARS} characters`)
      .optional(),
    {
      description: "Case-insensitive substring of `text`, e.g. `hello`; `%` and `_` match themselves. Empty means no filter.",
    },
  ),
});

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

export type MessagesQuery = z.infer<typeof MessagesQuery>;
export type Message = z.infer<typeof Message>;
export type MessagePage = z.infer<typeof MessagePage>;
