// GET /deliveries as zod schemas: the delivery log's query and its page, for validation, OpenAPI and the client.
import { extendApi } from "@anatine/zod-openapi";
import { z } from "zod";
import { SIGNATURE_SCHEMES, WEBHOOK_RESULTS, receivedAtBound } from "../domain/delivery.js";
import { MESSAGE_ID_MAX_CHARS, charCount, isStorableText } from "../domain/message.js";
import { decodeDeliveryCursor } from "./delivery-cursor.js";
import { doc, parsedString, queryInt, restorePlus } from "./schema-parts.js";

/** One entry, as the docs show it. */
export const DELIVERY_SAMPLE = {
  id: "42",
  received_at: "2025-01-15T10:00:00.123Z",
  request_id: "0b8a7c1e-5d2f-4c3b-9e8f-2a6d1c0b9e7f",
  result: "invalid_signature",
  reason: "X-Signature does not match the body: sign the exact bytes sent, with the webhook secret",
  message_id: null,
  signature_scheme: "x-signature",
  body_bytes: 128,
  body_sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  client_address: "203.0.113.7",
  user_agent: "curl/8.5.0",
} as const;

const RESULTS_RULE = `must be one of ${WEBHOOK_RESULTS.join(", ")}`;

export const DeliveriesQuery = z.object({
  result: extendApi(
    z
      .enum(WEBHOOK_RESULTS, {
        // Only a value outside the list is worded here; errors.ts words a repeated parameter.
        errorMap: (issue, ctx) => ({ message: issue.code === "invalid_enum_value" ? RESULTS_RULE : ctx.defaultError }),
      })
      .optional(),
    { description: "Only attempts with this result, e.g. `invalid_signature`." },
  ),
  // Parsed once, here: what the use case gets is the bound to compare received_at with.
  since: extendApi(
    parsedString((value) => receivedAtBound(restorePlus(value)), "must be an ISO-8601 date-time with Z or a UTC offset").optional(),
    {
      description: "Only attempts received at or after this date-time (`Z` or an offset such as `+05:30`), e.g. `2025-01-15T09:00:00Z`.",
      format: "date-time",
    },
  ),
  message_id: extendApi(
    z
      .string()
      .refine((s) => s.length > 0, "must not be empty")
      .refine(isStorableText, "must be well-formed Unicode without NUL characters")
      .refine((s) => charCount(s) <= MESSAGE_ID_MAX_CHARS, `must be at most ${MESSAGE_ID_MAX_CHARS} characters`)
      .optional(),
    { description: "Only attempts whose body carried this `message_id` (exact match), e.g. `m1`." },
  ),
  limit: queryInt(1, 100, 50, "Page size, 1 to 100."),
  cursor: extendApi(
    z
      .string()
      .transform((cursor, ctx) => {
        if (cursor === "") return null;
        const id = decodeDeliveryCursor(cursor);
        if (id === null) ctx.addIssue({ code: z.ZodIssueCode.custom, message: "is not a cursor this service issued" });
        return id ?? z.NEVER;
      })
      .optional(),
    {
      description:
        "Keyset paging: leave it out (or send it empty) for the newest entries, then send each answer's `next_cursor` " +
        "until that is null, e.g. `ZDQy`.",
    },
  ),
});


export const DeliveryEntry = extendApi(
  z.object({
    id: doc(z.string(), "Position in arrival order (a decimal integer, as a string): larger is newer.", DELIVERY_SAMPLE.id),
    received_at: doc(z.string(), "When the request arrived: ISO-8601 UTC with milliseconds.", DELIVERY_SAMPLE.received_at),
    request_id: doc(z.string(), "The request id, as in the log line and the `X-Request-Id` answer header.", DELIVERY_SAMPLE.request_id),
    result: doc(z.enum(WEBHOOK_RESULTS), "What came of the attempt, as the `webhook_requests_total` metric labels it.", DELIVERY_SAMPLE.result),
    reason: doc(z.string().nullable(), "Why, in words for a person (the answer's `reason` or `detail`); null when there is none.", DELIVERY_SAMPLE.reason),
    message_id: doc(
      z.string().nullable(),
      "The body's `message_id`, only when the signature held and the body parsed; otherwise null.",
      "m1",
    ),
    signature_scheme: doc(
      z.enum(SIGNATURE_SCHEMES),
      "The signature headers sent: `standard` when any `webhook-*` header was, else `x-signature`, else `none`.",
      DELIVERY_SAMPLE.signature_scheme,
    ),
    body_bytes: doc(z.number().int().nonnegative(), "Body size in bytes.", DELIVERY_SAMPLE.body_bytes),
    body_sha256: doc(z.string().nullable(), "Hex SHA-256 of the body bytes; null when the body was not read.", DELIVERY_SAMPLE.body_sha256),
    client_address: doc(z.string().nullable(), "The client's IP address, as the service saw it.", DELIVERY_SAMPLE.client_address),
    user_agent: doc(z.string().nullable(), "The `User-Agent` header, at most 256 characters; null when absent.", DELIVERY_SAMPLE.user_agent),
  }),
  { title: "Delivery", description: "One webhook attempt that stored nothing. Never the body, a secret or a signature.", example: DELIVERY_SAMPLE },
);

export const DeliveryPage = extendApi(
  z.object({
    data: extendApi(z.array(DeliveryEntry), { description: "This page, newest first." }),
    limit: doc(z.number().int(), "The page size used.", 50),
    next_cursor: doc(z.string().nullable(), "The cursor of the next page, or null when this page is the last.", "ZDQx"),
  }),
  { example: { data: [DELIVERY_SAMPLE], limit: 50, next_cursor: null } },
);

export type DeliveriesQuery = z.infer<typeof DeliveriesQuery>;
export type DeliveryEntry = z.infer<typeof DeliveryEntry>;
export type DeliveryPage = z.infer<typeof DeliveryPage>;
