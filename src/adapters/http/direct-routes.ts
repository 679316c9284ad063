// GET /messages and GET /stats served as ts-rest would serve them, without express: the read API's busiest routes.
import type { IncomingMessage, ServerResponse } from "node:http";
import { checkZodSchema, validateResponse, type AppRoute } from "@ts-rest/core";
import { MalformedQueryError, VALIDATION_FAILED, issuesOf, sendJson, validationBody } from "./errors.js";
import { MALFORMED, parseQuery } from "./query-string.js";
import { servedPath, splitUrl } from "./request-facts.js";
import type { ReadGate } from "./read-access.js";
import type { Step } from "./steps.js";

/** What a ts-rest route implementation returns, and the one argument of it our handlers read. */
type Handler = (args: { query: any; res: ServerResponse }) => Promise<{ status: number; body: unknown }>;
export type DirectRoute = { route: AppRoute; handler: Handler };

export interface DirectRouteOptions {
  readGate: ReadGate;
  validateResponses: boolean;
}

/**
 * The path a GET is for, when it is one of these routes as express would match it (any case, one
 * trailing slash, any query); HEAD and every other method stay with express.
 */
export function directPathOf(req: IncomingMessage, paths: { has(path: string): boolean }): string | undefined {
  if (req.method !== "GET") return undefined;
  const path = servedPath(splitUrl(req.url).path);
  return paths.has(path) ? path : undefined;
}

/**
 * A frozen body cannot change, and is answered again as it is (the stats between two commits):
 * its JSON is kept with it. Every other body is serialized once, for its one answer.
 */
const encoded = new WeakMap<object, string>();
const jsonOf = (body: object): string => {
  if (!Object.isFrozen(body)) return JSON.stringify(body);
  let json = encoded.get(body);
  if (json === undefined) encoded.set(body, (json = JSON.stringify(body)));
  return json;
};

/**
 * The same steps ts-rest's express adapter runs for a route (the read gate, the query checked
 * against the contract, the handler, the answer checked when asked), answered with the same
 * status, headers and body: express's routing and request decoration cost a read more than a
 * third of its CPU.
 */
export function directRoute({ route, handler }: DirectRoute, options: DirectRouteOptions): Step {
  return (req, res, next) => {
    const query = parseQuery(splitUrl(req.url).query);
    if (MALFORMED in query) return next(new MalformedQueryError());
    options.readGate(req, res, (refused) => {
      if (refused !== undefined) return next(refused);
      const checked = checkZodSchema(query, route.query);
      if (!checked.success) return sendJson(res, 422, validationBody(VALIDATION_FAILED, issuesOf(checked.error, "query")));
      handler({ query: checked.data, res }).then((answer) => {
        if (options.validateResponses) validateResponse({ appRoute: route, response: answer });
        res.statusCode = answer.status;
        res.setHeader("Content-Type", "application/json; charset=utf-8");
        res.end(jsonOf(answer.body as object));
      }, next);
    });
  };
}
