// Every error answer: the 422 shape for validation, and the handlers of last resort. Bodies never carry internals.
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import type { RequestValidationError } from "@ts-rest/express";
import type { ZodError, ZodIssue } from "zod";
import { StorageUnavailableError } from "../../application/ports.js";
import { RETRY_AFTER_SECONDS } from "../../contracts/contract-parts.js";
import type { ValidationErrorBody } from "../../contracts/error-schemas.js";
import { ClientGoneError } from "./client-gone.js";
import { SERVED, servedPath, splitUrl } from "./request-facts.js";
import type { ErrorStep } from "./steps.js";

export interface ErrorLogger {
  error(fields: object, message: string): void;
}

/** Plain node:http calls, so an answer can be sent even before express has decorated `res`. */
export function sendJson(res: ServerResponse, status: number, body: object): void {
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.end(JSON.stringify(body));
}

export const sendError = (res: ServerResponse, status: number, detail: string) => sendJson(res, status, { detail });

/** The header every 503 for the database carries (the contract's RETRY_AFTER_SECONDS). */
export const RETRY_AFTER = { "Retry-After": String(RETRY_AFTER_SECONDS) } as const;

export const VALIDATION_FAILED = "validation failed";

export function validationBody(detail: string, issues: { path: string; message: string }[]): ValidationErrorBody {
  return { detail, errors: issues };
}

const withArticle = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : type === "null" ? "null" : `a ${type}`);

/**
 * The rule an issue breaks, worded for the sender. zod's own defaults ("Required", "Expected
 * string, received array") never reach a user; the contract's refinements already say "must …".
 */
function ruleOf(issue: ZodIssue, root: string): string {
  if (issue.code !== "invalid_type") return issue.message;
  if (issue.received === "undefined") return "is required";
  // A query parameter arrives as an array only when it was given more than once.
  if (root === "query" && issue.received === "array") return "is repeated: give it once";
  return `must be ${withArticle(issue.expected)}, not ${withArticle(issue.received)}`;
}

/** Each issue with the field it concerns, and a message that names that field and the rule. */
export const issuesOf = (error: ZodError | null, root: string) =>
  (error?.issues ?? []).map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join(".") : root;
    return { path, message: `${path} ${ruleOf(issue, root)}` };
  });

/** ts-rest's request validation failures as the spec's 422. */
export function requestValidationErrorHandler(err: RequestValidationError, _req: unknown, res: ServerResponse): void {
  const issues = [
    ...issuesOf(err.pathParams, "params"),
    ...issuesOf(err.headers, "headers"),
    ...issuesOf(err.query, "query"),
    ...issuesOf(err.body, "body"),
  ];
  sendJson(res, 422, validationBody(VALIDATION_FAILED, issues));
}

/** Every path the app serves answers 405 with `Allow` to another method, and 204 to OPTIONS; any other path is 404. */
export function notFoundOrNotAllowed(req: IncomingMessage, res: ServerResponse): void {
  const allowed = SERVED.get(servedPath(splitUrl(req.url).path));
  if (!allowed) return sendError(res, 404, "not found");
  res.setHeader("Allow", [...allowed, ...(allowed.includes("GET") ? ["HEAD"] : []), "OPTIONS"].join(", "));
  if (req.method === "OPTIONS") {
    res.statusCode = 204;
    return void res.end();
  }
  sendError(res, 405, "method not allowed");
}

/** The read API wants a bearer token this request lacks. */
export class MissingReadTokenError extends Error {
  constructor() {
    super("missing or invalid bearer token");
  }
}

/** A query string whose %-escapes do not decode to UTF-8. */
export class MalformedQueryError extends Error {
  constructor() {
    super("malformed query string");
  }
}

const pathOf = (req: IncomingMessage) => splitUrl(req.url).path;

export function lastResortErrorHandler(logger: ErrorLogger): ErrorStep {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    // Nothing to answer, and nothing to report: the read was dropped because its client had gone.
    if (err instanceof ClientGoneError) return;
    if (err instanceof MalformedQueryError) {
      const message = "query has a %-escape that does not decode to UTF-8 text";
      return sendJson(res, 422, validationBody(VALIDATION_FAILED, [{ path: "query", message }]));
    }
    if (err instanceof MissingReadTokenError) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="lyftr read API"');
      return sendError(res, 401, err.message);
    }
    if (err instanceof StorageUnavailableError) {
      logger.error({ err: err.cause, method: req.method, path: pathOf(req) }, "database unavailable");
      for (const [name, value] of Object.entries(RETRY_AFTER)) res.setHeader(name, value);
      return void sendError(res, 503, "database unavailable");
    }
    // Errors express and its parsers raise for malformed requests (a bad %-escape in the path, say).
    const status = Number(err?.status ?? err?.statusCode);
    if (status >= 400 && status < 500) return void sendError(res, status, (STATUS_CODES[status] ?? "bad request").toLowerCase());
    logger.error({ err, method: req.method, path: pathOf(req) }, "unhandled error");
    sendError(res, 500, "internal error");
  };
}
