// The one table of POST /webhook: each result the pipeline reaches, and the status, detail and reason it answers with.
import type { WebhookResult } from "../../domain/delivery.js";
import { RETRY_AFTER } from "./errors.js";

export interface Issue {
  path: string;
  message: string;
}

/** Why a signature did not hold, per header scheme; the table words each for the sender. */
export type SignatureFault =
  | "absent"
  | "hex_malformed"
  | "hex_prefixed"
  | "hex_mismatch"
  | "standard_incomplete"
  | "standard_bad_timestamp"
  | "standard_no_entry"
  | "standard_mismatch";

/** What the pipeline came to, with the facts its answer, log line, metric and delivery-log entry need. */
export type WebhookVerdict =
  | { result: "created" | "duplicate"; messageId: string }
  | { result: "conflict"; messageId: string; storedHash: string; sentHash: string }
  | { result: "invalid_signature"; faults: SignatureFault[] }
  | { result: "stale_timestamp"; toleranceSeconds: number }
  | { result: "too_large"; limit: number }
  | { result: "unsupported_media_type"; fault: "content_encoding" | "content_type" }
  | { result: "validation_error"; notJson: boolean; errors: Issue[]; messageId: string | null }
  | { result: "not_configured" }
  | { result: "unavailable"; messageId: string }
  | { result: "bad_request" };

type Of<R extends WebhookResult> = Extract<WebhookVerdict, { result: R }>;

// What a sender can fix; never the expected value or anything about the secret.
const SIGNATURE_REASONS: Record<SignatureFault, string> = {
  absent: "no signature: send X-Signature (hex HMAC-SHA256 of the body) or the Standard Webhooks headers",
  hex_malformed: "X-Signature must be 64 hex digits (HMAC-SHA256 of the body)",
  hex_prefixed: 'X-Signature has a GitHub-style "sha256=" prefix: send the 64 hex digits alone',
  hex_mismatch: "X-Signature does not match the body: sign the exact bytes sent, with the webhook secret",
  standard_incomplete: "Standard Webhooks needs all three headers: webhook-id, webhook-timestamp and webhook-signature",
  standard_bad_timestamp: "webhook-timestamp must be Unix seconds",
  standard_no_entry: "webhook-signature must hold space-separated v1,<base64> or v1a,<base64> entries, of a kind this service checks",
  standard_mismatch:
    "webhook-signature does not match: sign webhook-id.webhook-timestamp.body, with the webhook secret (v1) or whsk_ key (v1a)",
};

interface Row<R extends WebhookResult> {
  status: number;
  /** The connection closes after this answer: the rest of the request was never read. */
  closes?: true;
  /** Headers of this answer beyond Content-Type. */
  headers?: Readonly<Record<string, string>>;
  /** The answer's body; `reason` is also what the delivery log keeps. */
  body: (verdict: Of<R>) => { detail?: string; reason?: string; errors?: Issue[]; status?: "ok" };
}

const OK = { status: "ok" } as const;

export const WEBHOOK_ANSWERS: { [R in WebhookResult]: Row<R> } = {
  created: { status: 200, body: () => OK },
  duplicate: { status: 200, body: () => OK },
  // The first copy wins and a retry must be safe, so a differing copy is still acknowledged.
  conflict: { status: 200, body: () => OK },
  invalid_signature: {
    status: 401,
    body: (v) => ({ detail: "invalid signature", reason: v.faults.map((f) => SIGNATURE_REASONS[f]).join("; ") }),
  },
  stale_timestamp: {
    status: 401,
    body: (v) => ({ detail: "invalid signature", reason: `webhook-timestamp is more than ${v.toleranceSeconds} s from the server clock` }),
  },
  too_large: { status: 413, closes: true, body: (v) => ({ detail: `request body too large: the limit is ${v.limit} bytes` }) },
  unsupported_media_type: {
    status: 415,
    body: (v) => ({ detail: v.fault === "content_type" ? "Content-Type must be application/json" : "unsupported content encoding" }),
  },
  validation_error: {
    status: 422,
    body: (v) => ({ detail: v.notJson ? "body is not valid JSON" : "validation failed", errors: v.errors }),
  },
  not_configured: { status: 503, body: () => ({ detail: "webhook secret not configured" }) },
  unavailable: { status: 503, headers: RETRY_AFTER, body: () => ({ detail: "database unavailable" }) },
  bad_request: { status: 400, body: () => ({ detail: "the request body could not be read" }) },
};

/** The status, body and headers of a verdict, and whether the connection closes after it, from the table. */
export function answerOf(verdict: WebhookVerdict): { status: number; body: object; closes: boolean; headers?: Readonly<Record<string, string>> } {
  const row = WEBHOOK_ANSWERS[verdict.result] as Row<WebhookResult>;
  return { status: row.status, body: row.body(verdict as never), closes: row.closes === true, headers: row.headers };
}

/** The reason the delivery log keeps: the answer's, or the first validation error's. */
export function reasonOf(verdict: WebhookVerdict, body: { detail?: string; reason?: string; errors?: Issue[] }): string | null {
  if (verdict.result === "conflict") return `content differs from the stored copy (${verdict.storedHash} stored, ${verdict.sentHash} sent)`;
  return body.reason ?? body.errors?.[0]?.message ?? body.detail ?? null;
}
