// The HTTP app: middleware order, the contract's endpoints, docs, JSON answers for everything else; POST /webhook on its own pipeline.
import type { IncomingMessage, RequestListener } from "node:http";
import { createExpressEndpoints } from "@ts-rest/express";
import express from "express";
import type { UseCases } from "../../application/use-cases.js";
import { contract } from "../../contracts/contract.js";
import { directPathOf, directRoute, type DirectRoute } from "./direct-routes.js";
import { docsRouter } from "./docs.js";
import { exportRoute } from "./export-route.js";
import { streamRoute } from "./stream-route.js";
import { lastResortErrorHandler, notFoundOrNotAllowed, requestValidationErrorHandler, type ErrorLogger } from "./errors.js";
import { createMetrics } from "./metrics.js";
import { parseQuery, refuseMalformedQuery } from "./query-string.js";
import { requireReadToken } from "./read-access.js";
import { servedPath, splitUrl } from "./request-facts.js";
import { API_SECURITY_HEADERS, fixedHeaders, pageHeaders } from "./security-headers.js";
import { requestLog, type RequestLogger } from "./request-log.js";
import { createRoutes, expressRoutes } from "./routes.js";
import { runSteps, type Step } from "./steps.js";
import { webhookGate, type WebhookGateOptions } from "./webhook-gate.js";
import { webhookPipeline } from "./webhook-pipeline.js";

export interface AppOptions {
  useCases: UseCases;
  webhook: WebhookGateOptions;
  /** Bearer tokens for the read API; none means it is open. */
  readTokens?: readonly string[];
  /** Gets one line per request (info), conflicting copies (warn) and every fault (error). */
  logger: ErrorLogger & RequestLogger & { warn(fields: object, message: string): void };
  /** Check every answer against the contract (tests turn it on). */
  validateResponses?: boolean;
  /** Delivery-log entries never written (queue full, batch refused), for the metrics. */
  deliveryLogDropped?: () => number;
  /** Between two heartbeats of an event stream; 15 s unless a test wants them sooner. */
  streamHeartbeatMs?: number;
}

/** POST to /webhook as express would route it (any case, one trailing slash, any query), decided without express. */
function isWebhookPost(req: IncomingMessage): boolean {
  if (req.method !== "POST") return false;
  const { path } = splitUrl(req.url);
  return path === "/webhook" || servedPath(path) === "/webhook";
}

export function createApp(options: AppOptions): RequestListener {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false); // a 304 to an API client is a surprise, not a saving
  app.set("query parser", parseQuery);
  app.set("env", "production"); // express's own last handler must never print a stack trace
  // Settings above, middleware below: express reads the query parser when the first middleware is added.
  const metrics = createMetrics({ deliveryLogDropped: options.deliveryLogDropped });
  const lastResort = lastResortErrorHandler(options.logger);
  const observed: Step[] = [
    requestLog(options.logger),
    metrics.observe,
    fixedHeaders(API_SECURITY_HEADERS),
  ];

  for (const step of [...observed, refuseMalformedQuery]) app.use(step);
  const readGate = requireReadToken(options.readTokens ?? []);
  const routes = createRoutes(options.useCases, {
    readGate,
    secretConfigured: options.webhook.signingKeys.length + options.webhook.publicKeys.length > 0,
  });
  createExpressEndpoints(
    expressRoutes,
    routes,
    app,
    {
      logInitialization: false,
      responseValidation: options.validateResponses ?? false,
      requestValidationErrorHandler,
    },
  );
  app.get("/messages/export", readGate, exportRoute(options.useCases, options.logger));
  app.get("/messages/stream", readGate, streamRoute(options.useCases, options.logger, { heartbeatMs: options.streamHeartbeatMs ?? 15_000 }));
  app.get("/metrics", (_req, res, next) => {
    metrics.registry.metrics().then((text) => {
      res.setHeader("Content-Type", metrics.registry.contentType);
      res.end(text);
    }, next);
  });
  // Swagger UI's pages, the only HTML served, take helmet's headers in place of the short set.
  app.use(
    "/docs",
    pageHeaders({
      // Swagger UI must load its assets over whatever scheme the service is reached by.
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    }),
  );
  app.use(docsRouter());
  app.use(notFoundOrNotAllowed);
  app.use(lastResort);

  // Webhooks are the hot path and take no query parameters: one pipeline for every spelling of
  // the route, without express's routing and request decoration (a tenth of a webhook's CPU).
  const webhook = runSteps(
    [
      ...observed,
      webhookPipeline(options.useCases, {
        gate: webhookGate(options.webhook),
        logger: options.logger,
        validateResponses: options.validateResponses ?? false,
      }),
    ],
    lastResort,
  );
  // The busiest reads skip express too (HEAD and other methods on their paths stay with it).
  const validateResponses = options.validateResponses ?? false;
  const direct = new Map<string, ReturnType<typeof runSteps>>(
    [
      { route: contract.listMessages, handler: routes.listMessages.handler },
      { route: contract.getStats, handler: routes.getStats.handler },
    ].map((served) => [served.route.path, runSteps([...observed, directRoute(served as DirectRoute, { readGate, validateResponses })], lastResort)]),
  );
  return (req, res) => {
    if (isWebhookPost(req)) return webhook(req, res);
    const path = directPathOf(req, direct);
    return path === undefined ? app(req, res) : direct.get(path)!(req, res);
  };
}
