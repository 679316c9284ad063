// The express app: middleware order, the contract's endpoints, docs, and JSON answers for everything else.
import { createExpressEndpoints } from "@ts-rest/express";
import express, { type Express, type RequestHandler } from "express";
import type { UseCases } from "../../application/use-cases.js";
import { contract } from "../../contracts/contract.js";
import { docsRouter } from "./docs.js";
import { lastResortErrorHandler, requestValidationErrorHandler, sendError, type ErrorLogger } from "./errors.js";
import { createRoutes } from "./routes.js";
import { webhookGate, type WebhookGateOptions } from "./verify-signature.js";

export interface AppOptions {
  useCases: UseCases;
  webhook: WebhookGateOptions;
  logger: ErrorLogger;
  /** Check every answer against the contract (tests turn it on). */
  validateResponses?: boolean;
}

/** Methods served per path, for 405 versus 404. */
const ALLOWED = new Map<string, string[]>([
  ...Object.values(contract).map((route) => [route.path, [route.method]] as [string, string[]]),
  ["/openapi.json", ["GET"]],
  ["/docs", ["GET"]],
]);

const notFound: RequestHandler = (req, res) => {
  const path = req.path.length > 1 ? req.path.replace(/\/+$/, "") : req.path;
  const allowed = ALLOWED.get(path.toLowerCase());
  if (!allowed) return void sendError(res, 404, "not found");
  const allow = [...allowed, ...(allowed.includes("GET") ? ["HEAD"] : []), "OPTIONS"].join(", ");
  res.setHeader("Allow", allow);
  if (req.method === "OPTIONS") return void res.status(204).end();
  sendError(res, 405, "method not allowed");
};

export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false); // a 304 to an API client is a surprise, not a saving
  app.set("query parser", "simple"); // flat strings: no nested objects from `a[b]=c`

  createExpressEndpoints(
    contract,
    createRoutes(options.useCases, {
      webhookGate: webhookGate(options.webhook),
      secretConfigured: options.webhook.signingKeys.length > 0,
    }),
    app,
    {
      logInitialization: false,
      responseValidation: options.validateResponses ?? false,
      requestValidationErrorHandler,
    },
  );
  app.use(docsRouter());
  app.use(notFound);
  app.use(lastResortErrorHandler(options.logger));
  return app;
}
