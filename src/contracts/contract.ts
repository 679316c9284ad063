// The ts-rest router: every route, every status it may answer, and the words the docs show.
import { extendApi } from "@anatine/zod-openapi";
import { initContract } from "@ts-rest/core";
import type { z, ZodTypeAny } from "zod";
import { DELIVERY_SAMPLE, DeliveriesQuery, DeliveryPage } from "./delivery-schemas.js";
import { ErrorBody, SignatureErrorBody, ValidationErrorBody } from "./error-schemas.js";
import { SAMPLE } from "./schema-parts.js";
import { EXPORT_MEDIA, ExportCsv, ExportNdjson, MessagesExportQuery } from "./message-export-schemas.js";
import { MessagePage, MessagesQuery } from "./message-schemas.js";
import { MessageEvents, MessagesStreamHeaders, MessagesStreamQuery, STREAM_MEDIA } from "./message-stream-schemas.js";
import { Live, MetricsText, NotReady, Ready } from "./operations-schemas.js";
import { Stats } from "./stats-schemas.js";
import { Ok, WebhookBody, WebhookHeaders } from "./webhook-schemas.js";

const c = initContract();

/** The group a route is listed under in the docs; openapi.ts describes and orders them. */
export type ApiTag = "Webhook" | "Messages" | "Stream" | "Deliveries" | "Stats" | "Health" | "Metrics";
const tag = (name: ApiTag) => ({ tag: name });

/** A response: `.describe()` is what ts-rest shows for the status; the example goes on the copy it makes. */
const answer = <T extends ZodTypeAny>(schema: T, description: string, example: z.input<T>) =>
  extendApi(schema.describe(description), { example });

const error = (description: string, detail: string) => answer(ErrorBody, description, { detail });
const unavailable = error("The database is unavailable; nothing was read or written. Retry later.", "database unavailable");
const unauthorized = error(
  "A read token is configured and the request lacks `Authorization: Bearer <token>` or has a wrong one.",
  "missing or invalid bearer token",
);
const invalid = (path: string, message: string) =>
  answer(ValidationErrorBody, "A parameter or field is malformed or out of range; `errors` says which.", {
    detail: "validation failed",
    errors: [{ path, message }],
  });

export const contract = c.router(
  {
    ingestMessage: {
      method: "POST",
      path: "/webhook",
      summary: "Receive a signed message",
      description:
        "Stores the message once per `message_id`. The signature is checked on the raw body bytes before " +
        "anything is parsed: send `X-Signature` (hex HMAC-SHA256 of the body) or the Standard Webhooks " +
        "headers. A 200 means the message is committed; a repeated `message_id` also answers 200 and " +
        "changes nothing (the first copy wins). On `/docs`, set the webhook secret above the operations and " +
        "Execute signs the exact bytes it sends.",
      metadata: tag("Webhook"),
      headers: WebhookHeaders,
      body: WebhookBody,
      responses: {
        200: answer(Ok, "Stored, or already stored.", { status: "ok" }),
        400: error("The request body could not be read (for example it was cut short).", "request aborted"),
        401: answer(
          SignatureErrorBody,
          "The signature is missing, malformed or wrong, or the Standard Webhooks timestamp is out of tolerance; " +
            "`reason` says which. Checked before the content type. Nothing stored.",
          { detail: "invalid signature", reason: "X-Signature does not match the body: sign the exact bytes sent, with the webhook secret" },
        ),
        413: error(
          "The body is larger than the limit (`WEBHOOK_MAX_BODY_BYTES`, 65536 by default). Nothing stored.",
          "request body too large: the limit is 65536 bytes",
        ),
        415: error(
          "A signed body with a `Content-Type` other than `application/json` (none at all is read as JSON), or with a " +
            "`Content-Encoding`. Nothing stored.",
          "Content-Type must be application/json",
        ),
        422: invalid("to", "to must be E.164: '+' then 1 to 15 digits, the first not 0"),
        503: error(
          "No webhook secret or public key is configured, or the database is unavailable. Nothing acknowledged: retry.",
          "database unavailable",
        ),
      },
    },
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
    getStats: {
      method: "GET",
      path: "/stats",
      summary: "Message statistics",
      description: "Totals, the ten busiest senders, and the `ts` of the earliest and latest messages.",
      metadata: tag("Stats"),
      responses: {
        200: answer(Stats, "Statistics over all stored messages.", {
          total_messages: 1,
          unique_senders: 1,
          senders_count: 1,
          top_senders: [{ from: "+919876543210", count: 1 }],
          messages_per_sender: [{ from: "+919876543210", count: 1 }],
          first_message_ts: "2025-01-15T10:00:00Z",
          last_message_ts: "2025-01-15T10:00:00Z",
        }),
        401: unauthorized,
        503: unavailable,
      },
    },
    listDeliveries: {
      method: "GET",
      path: "/deliveries",
      summary: "List refused webhook attempts",
      description:
        "The delivery log: every `POST /webhook` attempt whose result is neither `created` nor `duplicate`, newest " +
        "first, with its result, reason and facts about the request; never its body, a secret, a signature or any " +
        "other header value. The newest `DELIVERY_LOG_MAX_ROWS` entries are kept (10,000 by default). Entries are " +
        "written in batches a moment after the answer, so the latest attempt may take a fraction of a second to appear.",
      query: DeliveriesQuery,
      responses: {
        200: answer(DeliveryPage, "One page of the delivery log, newest first.", {
          data: [DELIVERY_SAMPLE],
          limit: 50,
          next_cursor: null,
        }),
        401: unauthorized,
        422: invalid("since", "since must be an ISO-8601 date-time with Z or a UTC offset"),
        503: unavailable,
      },
      metadata: tag("Deliveries"),
    },
    live: {
      method: "GET",
      path: "/health/live",
      summary: "Liveness",
      description: "200 whenever the process serves HTTP.",
      metadata: tag("Health"),
      responses: { 200: answer(Live, "The process is serving.", { status: "live" }) },
    },
    ready: {
      method: "GET",
      path: "/health/ready",
      summary: "Readiness",
      description: "200 only when the database answers and a webhook secret or public key is configured.",
      metadata: tag("Health"),
      responses: {
        200: answer(Ready, "Ready to take webhooks.", { status: "ready" }),
        503: answer(NotReady, "Not ready; `reason` says why.", { status: "not ready", reason: "database unavailable" }),
      },
    },
    metrics: {
      method: "GET",
      path: "/metrics",
      summary: "Prometheus metrics",
      description:
        "For a Prometheus scraper: `http_requests_total` by route pattern and status, `http_request_duration_seconds` " +
        "by route pattern and `request_latency_ms` (histograms), `webhook_requests_total` by result (every result " +
        "present from 0), `event_streams_open`, and Node's process metrics. Open like the health checks: keep it off the public internet.",
      metadata: tag("Metrics"),
      responses: {
        200: c.otherResponse({
          contentType: "text/plain",
          body: answer(
            MetricsText,
            "The current values, as Prometheus text (`text/plain; version=0.0.4`).",
            [
              "# HELP webhook_requests_total POST /webhook requests by result.",
              "# TYPE webhook_requests_total counter",
              'webhook_requests_total{result="created"} 1',
              'webhook_requests_total{result="invalid_signature"} 0',
            ].join("\n") + "\n",
          ),
        }),
      },
    },
  },
  { strictStatusCodes: true },
);

export type Contract = typeof contract;
