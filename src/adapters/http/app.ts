// The HTTP app: middleware order, the contract's endpoints, docs, JSON answers for everything else, and the webhook's short path.
import type { IncomingMessage, RequestListener } from "node:http";
import { createExpressEndpoints } from "@ts-rest/express";
import express, { type RequestHandler } from "express";
import type { UseCases } from "../../application/use-cases.js";
import { docsRouter } from "./docs.js";
import { lastResortErrorHandler, requestValidationErrorHandler, sendError, type ErrorLogger } from "./errors.js";
import { createMetrics } from "./metrics.js";
import { parseQuery, refuseMalformedQuery } from "./query-string.js";
import { requireReadToken } from "./read-access.js";
import { SERVED, servedPath } from "./request-facts.js";
import { securityHeaders } from "./security-headers.js";
import { requestLog, type RequestLogger } from "./request-log.js";
import { createRoutes, expressRoutes } from "./routes.js";
import { runSteps, type Step } from "./steps.js";
import { webhookGate, type WebhookGateOptions } from "./verify-signature.js";
import { webhookEndpoint } from "./webhook-endpoint.js";

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

/**
 * The request line a webhook sender uses, spelled exactly. Any other spelling express would
 * route to the webhook (`/Webhook/`, a query string) still gets there through express.
 */
const isPlainWebhookPost = (req: IncomingMessage) => req.method === "POST" && req.url === "/webhook";

export function createApp(options: AppOptions): RequestListener {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false); // a 304 to an API client is a surprise, not a saving
  app.set("query parser", parseQuery);
  app.set("env", "production"); // express's own last handler must never print a stack trace
  // Settings above, middleware below: express reads the query parser when the first middleware is added.
  const metrics = createMetrics();
  const lastResort = lastResortErrorHandler(options.logger);
  const everyRequest: Step[] = [
    requestLog(options.logger),
    metrics.observe,
    refuseMalformedQuery,
    securityHeaders({
      // Swagger UI must load its assets over whatever scheme the service is reached by.
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    }),
  ];
  const webhook = webhookEndpoint(options.useCases, {
    gate: webhookGate(options.webhook),
    validateResponses: options.validateResponses ?? false,
  });

  for (const step of everyRequest) app.use(step);
  app.post("/webhook", webhook);
  createExpressEndpoints(
    expressRoutes,
    createRoutes(options.useCases, {
      readGate: requireReadToken(options.readTokens ?? []),
      secretConfigured: options.webhook.signingKeys.length + options.webhook.publicKeys.length > 0,
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
  app.use(lastResort);

  // Webhooks are the hot path: the same steps, without express's routing and request decoration,
  // which a profile put at a tenth of a webhook's CPU.
  const shortPath = runSteps([...everyRequest, webhook], lastResort);
  return (req, res) => (isPlainWebhookPost(req) ? shortPath(req, res) : app(req, res));
}
