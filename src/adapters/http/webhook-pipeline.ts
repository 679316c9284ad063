// POST /webhook, every spelling of it: the gate, the contract's validation (a plainly valid body taken directly), the IngestMessage use case, then one answer from the table.
import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { validateResponse } from "@ts-rest/core";
import { StorageUnavailableError } from "../../application/ports.js";
import type { UseCases } from "../../application/use-cases.js";
import { contract } from "../../contracts/contract.js";
import { isLoggedResult, type Delivery } from "../../domain/delivery.js";
import { issuesOf, sendJson, type ErrorLogger } from "./errors.js";
import type { Reply, Step } from "./steps.js";
import { acceptedWebhook } from "./webhook-accept.js";
import type { GateOutcome, WebhookGate } from "./webhook-gate.js";
import { answerOf, reasonOf, type WebhookVerdict } from "./webhook-results.js";

const route = contract.ingestMessage;

export interface WebhookPipelineOptions {
  gate: WebhookGate;
  logger: ErrorLogger & { warn(fields: object, message: string): void };
  /** Check the answer against the contract (tests turn it on). */
  validateResponses: boolean;
}

/** What the gate saw of a request, and when it arrived (epoch ms). */
type Seen = Pick<GateOutcome, "body" | "scheme"> & { arrivedAt: number };

/** Who waits for a request's verdict; set as the pipeline takes the request, unset if it ends in a fault. */
type VerdictWaiters = Array<(verdict: WebhookVerdict | undefined) => void>;

/** Hands the verdict, or none for a fault, to whoever waits; later callers of `afterVerdict` get it at once. */
function settle(res: Reply, verdict: WebhookVerdict | undefined): void {
  const waiters = res.locals.verdictWaiters as VerdictWaiters;
  res.locals.webhook = verdict;
  res.locals.verdictWaiters = undefined;
  for (const then of waiters) then(verdict);
}

/**
 * Hands the request log and the metrics the pipeline's verdict: now, if there is one or the request
 * is not a webhook; else once it comes, as when the client left while its message was being stored.
 */
export function afterVerdict(res: Reply, then: (verdict: WebhookVerdict | undefined) => void): void {
  const verdict = res.locals.webhook as WebhookVerdict | undefined;
  const waiters = res.locals.verdictWaiters as VerdictWaiters | undefined;
  if (verdict !== undefined || waiters === undefined) return then(verdict);
  waiters.push(then);
}

/** A message_id worth keeping with a refusal: the sender's own, when the body held a usable one. */
const sentMessageId = (json: unknown): string | null => {
  const id = (json as { message_id?: unknown } | null)?.message_id;
  return typeof id === "string" && id.length > 0 && id.length <= 256 ? id : null;
};

export function webhookPipeline(useCases: UseCases, options: WebhookPipelineOptions): Step {
  const conclude = (req: IncomingMessage, res: Reply, verdict: WebhookVerdict, seen: Seen) => {
    settle(res, verdict);
    const { status, body, closes, headers } = answerOf(verdict);
    if (verdict.result === "bad_request") res.destroy(); // the client is gone: nobody to answer
    else {
      if (options.validateResponses) validateResponse({ appRoute: route, response: { status, body } });
      if (closes) res.setHeader("Connection", "close");
      // Only a 503 has any: an accepted webhook builds no entries list.
      if (headers !== undefined) for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      sendJson(res, status, body);
    }
    // Only what the log keeps is worked out: an accepted webhook never pays for the body's hash.
    if (isLoggedResult(verdict.result)) useCases.recordDelivery(deliveryOf(req, res, verdict, reasonOf(verdict, body), seen));
  };

  return (req, res, next) => {
    const arrivedAt = Date.now();
    res.locals.verdictWaiters = [] satisfies VerdictWaiters;
    options.gate(req, (gated) => {
      const outcome = { ...gated, arrivedAt };
      if (outcome.verdict) return conclude(req, res, outcome.verdict, outcome);
      let message = acceptedWebhook(outcome.json);
      if (message === undefined) {
        const parsed = route.body.safeParse(outcome.json);
        if (!parsed.success) {
          const verdict = { result: "validation_error", notJson: false, errors: issuesOf(parsed.error, "body"), messageId: sentMessageId(outcome.json) } as const;
          return conclude(req, res, verdict, outcome);
        }
        message = parsed.data;
      }
      useCases.ingestMessage(message).then(
        (stored) => {
          const messageId = message.message_id;
          if (stored.kind !== "conflict") return conclude(req, res, { result: stored.kind, messageId }, outcome);
          const { storedHash, sentHash } = stored;
          options.logger.warn(
            { message_id: messageId, stored_hash: storedHash, sent_hash: sentHash, request_id: res.getHeader("x-request-id") },
            "a repeated message_id with other content: acknowledged, the stored copy kept",
          );
          conclude(req, res, { result: "conflict", messageId, storedHash, sentHash }, outcome);
        },
        (error: unknown) => {
          if (!(error instanceof StorageUnavailableError)) {
            settle(res, undefined); // a fault, not a result: the log line and the metrics go on without one
            return next(error);
          }
          options.logger.error({ err: error.cause, method: req.method, path: "/webhook" }, "database unavailable");
          conclude(req, res, { result: "unavailable", messageId: message.message_id }, outcome);
        },
      );
    });
  };
}

function deliveryOf(
  req: IncomingMessage,
  res: Reply,
  verdict: WebhookVerdict,
  reason: string | null,
  seen: Seen,
): Delivery {
  const userAgent = req.headers["user-agent"];
  return {
    receivedAt: new Date(seen.arrivedAt).toISOString(),
    requestId: String(res.getHeader("x-request-id") ?? ""),
    result: verdict.result,
    reason,
    messageId: "messageId" in verdict ? verdict.messageId : null,
    signatureScheme: seen.scheme,
    bodyBytes: seen.body?.length ?? Number(req.headers["content-length"] ?? 0),
    // Hashed only here, for refusals: the accepted path never pays for it.
    bodySha256: seen.body ? createHash("sha256").update(seen.body).digest("hex") : null,
    clientAddress: req.socket.remoteAddress ?? null,
    userAgent: userAgent === undefined ? null : userAgent.slice(0, 256),
  };
}
