// GET /stats' shape, under the spec's names and the original assignment's.
import { extendApi } from "@anatine/zod-openapi";
import { z } from "zod";
import { SAMPLE, doc } from "./schema-parts.js";

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

export type Stats = z.infer<typeof Stats>;
