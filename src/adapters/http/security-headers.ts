// Security headers: a short set on every answer, and helmet's on the Swagger UI pages, the only HTML served.
import type { IncomingMessage, ServerResponse } from "node:http";
import helmet from "helmet";
import type { Step } from "./steps.js";

type Helmet = ReturnType<typeof helmet>;

/**
 * What an answer that is data (JSON, NDJSON, CSV, an event stream, metrics) needs, after OWASP's
 * REST Security Cheat Sheet: never kept by a cache (messages are people's words), never sniffed
 * into something runnable, never framed, never read by another origin's page, reached over HTTPS
 * only once it has been. helmet's other headers (a CSP with script and style sources, referrer,
 * DNS prefetch, download and XSS-filter policies, COOP) govern how a browser renders a page; on a
 * 150-byte `/stats` answer they were 600 bytes and some 6% of its throughput (interleaved runs).
 */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "Cache-Control": "no-store",
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
});

/** Sets the same headers on every answer (a later step may replace some). */
export function fixedHeaders(headers: Readonly<Record<string, string>>): Step {
  const pairs = Object.entries(headers);
  return (_req, res, next) => {
    for (const [name, value] of pairs) res.setHeader(name, value);
    next();
  };
}

/**
 * helmet's headers for a page, worked out once: they do not depend on the request, and setting
 * them per request through its chain cost a tenth of a webhook's CPU.
 */
export function pageHeaders(options: Parameters<typeof helmet>[0]): Step {
  const set: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string) => void (set[name] = String(value)),
    // X-Powered-By, which express is told not to send anyway.
    removeHeader: () => undefined,
  } as unknown as ServerResponse;
  let ran = false;
  (helmet(options) as Helmet)({} as IncomingMessage, recorder, () => void (ran = true));
  if (!ran) throw new Error("helmet did not complete synchronously");
  return fixedHeaders(set);
}
