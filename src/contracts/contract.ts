// The ts-rest router: every route, every status it may answer, and the words the docs show (the message reads in message-routes.ts).
import { answer, c, error, invalid, tag, unauthorized, unavailable } from "./contract-parts.js";
import { DELIVERY_SAMPLE, DeliveriesQuery, DeliveryPage } from "./delivery-schemas.js";
import { SignatureErrorBody } from "./error-schemas.js";
import { messageRoutes } from "./message-routes.js";
import { Live, MetricsText, NotReady, Ready } from "./operations-schemas.js";
import { Stats } from "./stats-schemas.js";
import { Ok, WebhookBody, WebhookHeaders } from "./webhook-schemas.js";

export type { ApiTag } from "./contract-parts.js";

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
    ...messageRoutes,
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
