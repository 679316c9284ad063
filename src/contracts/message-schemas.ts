// GET /messages' shapes: the query (filters parsed once, cursors decoded and checked against the order) and the page it answers.
import { extendApi } from "@anatine/zod-openapi";
import { z } from "zod";
import { decodeCursor } from "./cursor.js";
import { messageFilterFields } from "./message-filter-schemas.js";
import { SAMPLE, doc, queryInt } from "./schema-parts.js";

export const MessagesQuery = z
  .object({
    limit: queryInt(1, 100, 50, "Page size, 1 to 100."),
    offset: queryInt(0, Number.MAX_SAFE_INTEGER, 0, "Messages to skip, 0 or more."),
    ...messageFilterFields,
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
          "skips further. A cursor is only good with the `order` it was issued for. Without it, answers carry no `next_cursor`.",
      },
    ),
  })
  // A cursor names a place in one order; read in the other it would silently skip a page's worth, or more.
  .superRefine((query, ctx) => {
    if (query.cursor && query.cursor.order !== query.order) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["cursor"],
        message: `was issued for order=${query.cursor.order}: send order=${query.cursor.order} with it, or an empty cursor to start over`,
      });
    }
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
    data: doc(z.array(Message), "This page, by `ts` instant then `message_id`, in the requested `order`."),
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
