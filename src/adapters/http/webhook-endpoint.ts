// POST /webhook's handler: the contract's validation and answers around the IngestMessage use case.
import { checkZodSchema, validateResponse } from "@ts-rest/core";
import { RequestValidationError } from "@ts-rest/express";
import type { UseCases } from "../../application/use-cases.js";
import { contract } from "../../contracts/contract.js";
import type { WebhookBody } from "../../contracts/schemas.js";
import { requestValidationErrorHandler, sendJson } from "./errors.js";
import type { WebhookLocals } from "./request-facts.js";
import type { Reply, Step } from "./steps.js";
import type { WebhookGate } from "./verify-signature.js";

const route = contract.ingestMessage;

export interface WebhookEndpointOptions {
  gate: WebhookGate;
  /** Check the answer against the contract (tests turn it on). */
  validateResponses: boolean;
}

/** After the gate, validates with ts-rest's own check and the contract's schemas (the same 422 as every route), then stores. */
export function webhookEndpoint(useCases: UseCases, options: WebhookEndpointOptions): Step {
  const store = async (message: WebhookBody, res: Reply) => {
    const outcome = await useCases.ingestMessage(message);
    (res.locals as WebhookLocals).ingest = { messageId: message.message_id, duplicate: outcome.kind === "duplicate" };
    const answer = { status: 200, body: { status: "ok" } }; // created or duplicate: both are a 200
    if (options.validateResponses) validateResponse({ appRoute: route, response: answer });
    sendJson(res, answer.status, answer.body);
  };

  return (req, res, next) =>
    options.gate(req, res, (json) => {
      const headers = checkZodSchema(req.headers, route.headers, { passThroughExtraKeys: true });
      const body = checkZodSchema(json, route.body);
      if (headers.success && body.success) return void store(body.data as WebhookBody, res).catch(next);
      const invalid = new RequestValidationError(null, headers.success ? null : headers.error, null, body.success ? null : body.error);
      requestValidationErrorHandler(invalid, req, res);
    });
}
