// GET /messages/stream's shapes: the filters it shares with the list, where to resume, and the event stream it sends.
import { extendApi } from "@anatine/zod-openapi";
import { z } from "zod";
import { messageFilterFields } from "./message-filter-schemas.js";
import { SAMPLE, doc } from "./schema-parts.js";
import { START_TOKEN, decodeStreamPosition } from "./stream-position.js";

export const STREAM_MEDIA = "text/event-stream";

/** A resume point, from `after` or the Last-Event-ID header: an event's id, or `0`. */
const position = () =>
  z.string().transform((token, ctx) => {
    const decoded = decodeStreamPosition(token.trim());
    if (decoded === null) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `is not an event id this service issued (or ${START_TOKEN})` });
    return decoded ?? z.NEVER;
  });

const SAMPLE_ID = "WyI0MiIsIm0xIl0";

export const MessagesStreamQuery = z.object({
  from: messageFilterFields.from,
  q: messageFilterFields.q,
  after: extendApi(position().optional(), {
    description:
      "Resume after this event's `id` (the `Last-Event-ID` header wins when both are sent); `0` replays every " +
      `stored message first, e.g. \`${SAMPLE_ID}\`. Without either, the stream starts with messages that arrive from now on.`,
  }),
});

export const MessagesStreamHeaders = z.object({
  "last-event-id": extendApi(position().optional(), {
    description: `Sent by EventSource when it reconnects: the \`id\` of the last event it received, e.g. \`${SAMPLE_ID}\`. Resumes after it.`,
  }),
});

export const MessageEvents = doc(
  z.string(),
  "Server-Sent Events. Each message is one event: `id:` its place in arrival order (the order messages were " +
    "stored, not their `ts`), `data:` the message as JSON, as in a list. A stream that opens without a position " +
    "first sends an `id:` alone, so a reconnect resumes from there. Every 15 seconds a `: heartbeat` comment, " +
    "with an `id:` when the stream has passed messages that did not match, keeps proxies from closing it.",
  `retry: 2000\n\nid: ${SAMPLE_ID}\ndata: ${JSON.stringify(SAMPLE)}\n\n: heartbeat\n\n`,
);

export type MessagesStreamQuery = z.infer<typeof MessagesStreamQuery>;
