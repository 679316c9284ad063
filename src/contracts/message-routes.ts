// The routes that read stored messages: the list, the export and the live stream.
import { answer, c, invalid, tag, unauthorized, unavailable } from "./contract-parts.js";
import { EXPORT_MEDIA, ExportCsv, ExportNdjson, MessagesExportQuery } from "./message-export-schemas.js";
import { MessagePage, MessagesQuery } from "./message-schemas.js";
import { MessageEvents, MessagesStreamHeaders, MessagesStreamQuery, STREAM_MEDIA } from "./message-stream-schemas.js";
import { SAMPLE } from "./schema-parts.js";

export const messageRoutes = c.router(
  {
    listMessages: {
      method: "GET",
      path: "/messages",
      summary: "List stored messages",
      description:
        "Ordered by the instant of `ts` ascending, then `message_id` ascending: stable across pages. " +
        "`total` counts every message matching the filters, ignoring `limit` and `offset`. With no parameters, " +
        "the first 50 of all messages.",
      metadata: tag("Messages"),
      query: MessagesQuery,
      responses: {
        200: answer(MessagePage, "One page of messages.", {
          data: [{ message_id: "m1", from: "+919876543210", to: "+14155550100", ts: "2025-01-15T10:00:00Z", text: "Hello" }],
          total: 1,
          limit: 50,
          offset: 0,
        }),
        401: unauthorized,
        422: invalid("limit", "limit must be an integer from 1 to 100"),
        503: unavailable,
      },
    },
    exportMessages: {
      method: "GET",
      path: "/messages/export",
      summary: "Export matching messages",
      description:
        "Every message matching the filters, in the list's `order`, as one download " +
        "(`Content-Disposition: attachment`): NDJSON or CSV. Streamed as it is read, so any size costs the " +
        "service the same memory; no paging and no `total`. Read in batches, each continuing where the last " +
        "ended: a message stored during the export may or may not appear, and none appears twice.",
      metadata: { ...tag("Messages"), otherContent: { [EXPORT_MEDIA.csv.contentType]: ExportCsv } },
      query: MessagesExportQuery,
      responses: {
        200: c.otherResponse({
          contentType: EXPORT_MEDIA.ndjson.contentType,
          body: answer(ExportNdjson, "The matching messages, as `format` asks.", `${JSON.stringify(SAMPLE)}\n`),
        }),
        401: unauthorized,
        422: invalid("format", "format must be ndjson or csv"),
        503: unavailable,
      },
    },
    streamMessages: {
      method: "GET",
      path: "/messages/stream",
      summary: "Follow messages as they arrive",
      description:
        "Server-Sent Events: every stored message that matches, in arrival order, first those already stored " +
        "after the resume point, then each as it is stored, by this instance or any other on the same database. " +
        "Reconnect with `Last-Event-ID` (EventSource does) or `after` to resume: no message is missed or sent " +
        "twice. Swagger UI waits for the whole answer, which never ends: use `curl -N` or EventSource.",
      metadata: tag("Stream"),
      query: MessagesStreamQuery,
      headers: MessagesStreamHeaders,
      responses: {
        200: c.otherResponse({
          contentType: STREAM_MEDIA,
          body: answer(MessageEvents, "The event stream; it stays open until the client or the service closes it.", ""),
        }),
        401: unauthorized,
        422: invalid("after", "after is not an event id this service issued (or 0)"),
        503: unavailable,
      },
    },
  },
  { strictStatusCodes: true },
);
