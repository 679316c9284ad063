// A webhook attempt as the delivery log keeps it: what came of it and the facts a sender needs to see why.

/** Everything a POST /webhook can come to; the HTTP adapter's results table gives each its answer. */
export const WEBHOOK_RESULTS = [
  "created",
  "duplicate",
  "conflict",
  "invalid_signature",
  "stale_timestamp",
  "too_large",
  "unsupported_media_type",
  "validation_error",
  "not_configured",
  "unavailable",
  "bad_request",
] as const;
export type WebhookResult = (typeof WEBHOOK_RESULTS)[number];

/** Which signature headers the request carried: `standard` when any webhook-* header was sent. */
export type SignatureScheme = "x-signature" | "standard" | "none";

export interface Delivery {
  /** ISO-8601 UTC with milliseconds. */
  receivedAt: string;
  requestId: string;
  result: WebhookResult;
  reason: string | null;
  /** Only when the signature held and the body parsed. */
  messageId: string | null;
  signatureScheme: SignatureScheme;
  bodyBytes: number;
  /** Hex; null when the body was not read. */
  bodySha256: string | null;
  clientAddress: string | null;
  /** At most 256 characters, cut by the caller. */
  userAgent: string | null;
}

export interface StoredDelivery extends Delivery {
  /** A place in arrival order, as a decimal string (it outgrows a double on PostgreSQL). */
  id: string;
}
