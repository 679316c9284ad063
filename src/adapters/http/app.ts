// The express app: middleware order, the contract's endpoints, docs, and JSON answers for everything else.
import { createExpressEndpoints } from "@ts-rest/express";
import express, { type Express, type RequestHandler } from "express";
import helmet from "helmet";
import type { UseCases } from "../../application/use-cases.js";
import { contract } from "../../contracts/contract.js";
import { docsRouter } from "./docs.js";
import {
  MalformedQueryError,
  lastResortErrorHandler,
  requestValidationErrorHandler,
  sendError,
  type ErrorLogger,
} from "./errors.js";
import { createMetrics } from "./metrics.js";
import { requireReadToken } from "./read-access.js";
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

/** Methods served per path, for 405 versus 404. */
const ALLOWED = new Map<string, string[]>([
  ...Object.values(contract).map((route) => [route.path, [route.method]] as [string, string[]]),
  ["/openapi.json", ["GET"]],
  ["/metrics", ["GET"]],
  ["/docs", ["GET"]],
]);

const MALFORMED = Symbol("malformed query");

/**
 * Flat strings, repeated keys as arrays, no nested objects from `a[b]=c`. An escape that does not
 * decode is flagged rather than guessed at (node:querystring and URLSearchParams both guess); express
 * parses the query before its response helpers exist, so the flag is answered by `refuseMalformedQuery`.
 */
function parseQuery(query: string | null): Record<string | symbol, string | string[]> {
  const result: Record<string | symbol, string | string[]> = Object.create(null);
  try {
    for (const pair of (query ?? "").split("&")) {
      if (pair === "") continue;
      const cut = pair.indexOf("=");
      const [key, value] = (cut < 0 ? [pair, ""] : [pair.slice(0, cut), pair.slice(cut + 1)]).map((part) =>
        decodeURIComponent(part.replace(/\+/g, " ")),
      ) as [string, string];
      const seen = result[key];
      result[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
    }
  } catch {
    return { [MALFORMED]: "true" };
  }
  return result;
}

const refuseMalformedQuery: RequestHandler = (req, _res, next) =>
  next(MALFORMED in (req.query as object) ? new MalformedQueryError() : undefined);

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
  app.set("query parser", parseQuery);
  app.set("env", "production"); // express's own last handler must never print a stack trace
  // Settings above, middleware below: express reads the query parser when the first middleware is added.
  const metrics = createMetrics();
  app.use(requestLog(options.logger));
  app.use(metrics.observe);
  app.use(refuseMalformedQuery);
  app.use(
    helmet({
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
