// The route a request came to, in a bounded vocabulary (metric labels, 405 rather than 404), and how it ended (the log and the metrics).
import type { IncomingMessage, ServerResponse } from "node:http";
import { contract } from "../../contracts/contract.js";
import { statusNodeSent } from "./server.js";

/** Every path the app serves and its methods: route labels, and 405 rather than 404. */
export const SERVED = new Map<string, string[]>([
  ...Object.values(contract).map((route): [string, string[]] => [route.path, [route.method]]),
  ["/openapi.json", ["GET"]],
  ["/docs", ["GET"]],
]);

/** A path as SERVED spells it: express matches case-insensitively and with one trailing slash. */
export const servedPath = (path: string) => (path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path).toLowerCase();

/** A request URL's path, and its query string without the "?" (null when there is none). */
export function splitUrl(url: string | undefined): { path: string; query: string | null } {
  const whole = url ?? "";
  const queryAt = whole.indexOf("?");
  return queryAt === -1 ? { path: whole, query: null } : { path: whole.slice(0, queryAt), query: whole.slice(queryAt + 1) };
}

/** What express adds to a request that the route label reads; absent on the webhook path. */
type Routed = IncomingMessage & { route?: { path?: unknown }; originalUrl?: string };

function patternOf(req: Routed): string {
  if (typeof req.route?.path === "string") return req.route.path;
  // originalUrl: a mounted router (the docs) rewrites req.url while it serves.
  const path = servedPath(splitUrl(req.originalUrl ?? req.url).path);
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

/**
 * A request for the event stream, whose answer lasts as long as its client wants and usually ends
 * by the client leaving ("close" without "finish"): logged and counted when it closes, and kept out
 * of the latency figures it would drown.
 */
export const isEventStream = (req: IncomingMessage): boolean =>
  (req.method === "GET" || req.method === "HEAD") && patternOf(req) === contract.streamMessages.path;

/** nginx's "client closed request": the connection closed before any answer was sent. */
const CLIENT_CLOSED_REQUEST = 499;

/**
 * What a request ended with, once its response has closed: the status sent, or the one Node sent
 * in the app's place (408), or else 499. `complete` is false when the answer was not sent in full.
 */
export function endOf(req: IncomingMessage, res: ServerResponse): { status: number; complete: boolean } {
  const status = res.headersSent ? res.statusCode : (statusNodeSent(req.socket) ?? CLIENT_CLOSED_REQUEST);
  return { status, complete: res.writableFinished };
}
