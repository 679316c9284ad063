// What one request came to, in bounded vocabularies: its route pattern and, for webhooks, its result.
import type { IncomingMessage } from "node:http";
import { contract } from "../../contracts/contract.js";
import type { Reply } from "./steps.js";

/** Every path the app serves and its methods: route labels, and 405 rather than 404. */
export const SERVED = new Map<string, string[]>([
  ...Object.values(contract).map((route): [string, string[]] => [route.path, [route.method]]),
  ["/openapi.json", ["GET"]],
  ["/docs", ["GET"]],
]);

/** A path as SERVED spells it: express matches case-insensitively and with a trailing slash. */
export const servedPath = (path: string) => (path.length > 1 ? path.replace(/\/+$/, "") : path).toLowerCase();

/** What express adds to a request that the route label reads; absent on the webhook path. */
type Routed = IncomingMessage & { route?: { path?: unknown }; originalUrl?: string };

function patternOf(req: Routed): string {
  if (typeof req.route?.path === "string") return req.route.path;
  // originalUrl: a mounted router (the docs) rewrites req.url while it serves.
  const path = servedPath((req.originalUrl ?? req.url ?? "").split("?")[0] ?? "");
  if (SERVED.has(path)) return path;
  return path.startsWith("/docs/") ? "/docs" : "unmatched";
}

const routes = new WeakMap<IncomingMessage, string>();

/**
 * The route pattern, never the raw URL, so labels and log fields stay a small fixed set. Worked
 * out once per request: the request log and the metrics both ask when the response ends.
 */
export function routeOf(req: IncomingMessage): string {
  const known = routes.get(req);
  if (known !== undefined) return known;
  const route = patternOf(req);
  routes.set(req, route);
  return route;
}

export const WEBHOOK_RESULTS = [
  "created",
  "duplicate",
  "invalid_signature",
  "validation_error",
  "unavailable",
  "not_configured",
  "too_large",
  "unsupported_media_type",
  "bad_request",
] as const;
export type WebhookResult = (typeof WEBHOOK_RESULTS)[number];

/** Set by the webhook route once the message is stored, so the result can tell created from duplicate. */
export interface WebhookLocals {
  ingest?: { messageId: string; duplicate: boolean };
  /** Set when no secret is configured, to tell that 503 from a database outage. */
  notConfigured?: boolean;
}

export function webhookResult(res: Reply): WebhookResult {
  const locals = res.locals as WebhookLocals;
  switch (res.statusCode) {
    case 200:
      return locals.ingest?.duplicate ? "duplicate" : "created";
    case 401:
      return "invalid_signature";
    case 413:
      return "too_large";
    case 415:
      return "unsupported_media_type";
    case 422:
      return "validation_error";
    case 503:
      return locals.notConfigured ? "not_configured" : "unavailable";
    default:
      return "bad_request";
  }
}
