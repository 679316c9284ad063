// The express app: middleware order, the contract's endpoints, docs, and JSON answers for everything else.
import { createExpressEndpoints } from "@ts-rest/express";
import express, { type Express, type RequestHandler } from "express";
import type { UseCases } from "../../application/use-cases.js";
import { contract } from "../../contracts/contract.js";
import { docsRouter } from "./docs.js";
import {
  lastResortErrorHandler,
  requestValidationErrorHandler,
  sendError,
  type ErrorLogger,
} from "./errors.js";
import { createMetrics } from "./metrics.js";
import { parseQuery, refuseMalformedQuery } from "./query-string.js";
import { requireReadToken } from "./read-access.js";
import { SERVED, servedPath } from "./request-facts.js";
import { securityHeaders } from "./security-headers.js";
import { requestLog, type RequestLogger } from "./request-log.js";
import { createRoutes } from "./routes.js";
import { webhookGate, type WebhookGateOptions } from "./verify-signature.js";

export interface AppOptions {
  useCases: UseCases;
  webhook: WebhookGateOptions;
  /** Bearer tokens for GET /messages and GET /stats; none means the read API is open. */
  readTokens?: readonly string[];
  /** Gets one line per request (info) and every fault (error). */
  logger: ErrorLogger & RequestLogger;
  /** Check every answer against the contract (tests turn it on). */
  validateResponses?: boolean;
}

const notFound: RequestHandler = (req, res) => {
  const allowed = SERVED.get(servedPath(req.path));
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
  app.set("query parser", parseQuery);
  app.set("env", "production"); // express's own last handler must never print a stack trace
  // Settings above, middleware below: express reads the query parser when the first middleware is added.
  const metrics = createMetrics();
  app.use(requestLog(options.logger));
  app.use(metrics.observe);
  app.use(refuseMalformedQuery);
  app.use(
    securityHeaders({
      // Swagger UI must load its assets over whatever scheme the service is reached by.
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    }),
  );

  createExpressEndpoints(
    contract,
    createRoutes(options.useCases, {
      webhookGate: webhookGate(options.webhook),
      readGate: requireReadToken(options.readTokens ?? []),
      secretConfigured: options.webhook.signingKeys.length > 0,
    }),
    app,
    {
      logInitialization: false,
      responseValidation: options.validateResponses ?? false,
      requestValidationErrorHandler,
    },
  );
  app.get("/metrics", (_req, res, next) => {
    metrics.registry.metrics().then((text) => {
      res.setHeader("Content-Type", metrics.registry.contentType);
      res.end(text);
    }, next);
  });
  app.use(docsRouter());
  app.use(notFound);
  app.use(lastResortErrorHandler(options.logger));
  return app;
}
