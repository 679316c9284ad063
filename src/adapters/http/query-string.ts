// The query string as the routes want it: flat strings, and an escape that does not decode refused, not guessed at.
import { MalformedQueryError } from "./errors.js";
import { splitUrl } from "./request-facts.js";
import type { Step } from "./steps.js";

export const MALFORMED = Symbol("malformed query");

/**
 * Flat strings, repeated keys as arrays, no nested objects from `a[b]=c`. An escape that does not
 * decode is flagged (node:querystring and URLSearchParams both guess at it); express parses the
 * query before its response helpers exist, so the flag is answered by `refuseMalformedQuery`.
 */
export function parseQuery(query: string | null): Record<string | symbol, string | string[]> {
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

export const refuseMalformedQuery: Step = (req, _res, next) => {
  // express has parsed the query by now; on the webhook path, which bypasses express, nobody has.
  const query = (req as { query?: object }).query ?? parseQuery(splitUrl(req.url).query);
  next(MALFORMED in query ? new MalformedQueryError() : undefined);
};
