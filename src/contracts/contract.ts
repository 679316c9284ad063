// The ts-rest router: every route, every status it may answer, and the words the docs show.
import { initContract } from "@ts-rest/core";
import {
  ErrorBody,
  Live,
  MessagePage,
  MessagesQuery,
  NotReady,
  Ok,
  Ready,
  Stats,
  ValidationErrorBody,
  WebhookBody,
  WebhookHeaders,
} from "./schemas.js";

const c = initContract();

const error = (description: string) => ErrorBody.describe(description);
const unavailable = error("The database is unavailable; nothing was read or written. Retry later.");
const unauthorized = error("A read token is configured and the request lacks `Authorization: Bearer <token>` or has a wrong one.");
const invalid = ValidationErrorBody.describe("A parameter or field is malformed or out of range; `errors` says which.");

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
        "changes nothing (the first copy wins).",
      headers: WebhookHeaders,
      body: WebhookBody,
      responses: {
        200: Ok.describe("Stored, or already stored."),
        400: error("The request body could not be read (for example it was cut short)."),
        401: error("The signature is missing or wrong, or the Standard Webhooks timestamp is out of tolerance. Nothing stored."),
        413: error("The body is larger than the limit (64 KiB by default). Nothing stored."),
        415: error("`Content-Type` is not `application/json`. Nothing stored."),
        422: invalid,
        503: error("No webhook secret is configured, or the database is unavailable. Nothing acknowledged: retry."),
      },
    },
    listMessages: {
      method: "GET",
      path: "/messages",
      summary: "List stored messages",
      description:
        "Ordered by the instant of `ts` ascending, then `message_id` ascending: stable across pages. " +
        "`total` counts every message matching the filters, ignoring `limit` and `offset`.",
      query: MessagesQuery,
      responses: {
        200: MessagePage.describe("One page of messages."),
        401: unauthorized,
        422: invalid,
        503: unavailable,
      },
    },
    getStats: {
      method: "GET",
      path: "/stats",
      summary: "Message statistics",
      description: "Totals, the ten busiest senders, and the `ts` of the earliest and latest messages.",
      responses: {
        200: Stats.describe("Statistics over all stored messages."),
        401: unauthorized,
        503: unavailable,
      },
    },
    live: {
      method: "GET",
      path: "/health/live",
      summary: "Liveness",
      description: "200 whenever the process serves HTTP.",
      responses: { 200: Live.describe("The process is serving.") },
    },
    ready: {
      method: "GET",
      path: "/health/ready",
      summary: "Readiness",
      description: "200 only when the database answers and a webhook secret is configured.",
      responses: {
        200: Ready.describe("Ready to take webhooks."),
        503: NotReady.describe("Not ready; `reason` says why."),
      },
    },
  },
  { strictStatusCodes: true },
);

export type Contract = typeof contract;
