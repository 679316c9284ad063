// Optional bearer token for the read API (GET /messages, /messages/export, /stats, /deliveries); health, docs and webhook stay open.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { MissingReadTokenError } from "./errors.js";

const digest = (token: string) => createHash("sha256").update(token, "utf8").digest();

/** Passes every request when no token is configured; otherwise wants `Authorization: Bearer <one of them>`. */
export type ReadGate = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

export function requireReadToken(tokens: readonly string[]): ReadGate {
  // Comparing fixed-length digests keeps the comparison constant-time whatever the lengths.
  const expected = tokens.map(digest);
  return (req, _res, next) => {
    if (expected.length === 0) return next();
    const presented = /^Bearer[ ]+(\S+)\s*$/i.exec(req.headers.authorization ?? "")?.[1];
    let matched = false;
    if (presented !== undefined) {
      const actual = digest(presented);
      for (const candidate of expected) if (timingSafeEqual(actual, candidate)) matched = true;
    }
    next(matched ? undefined : new MissingReadTokenError());
  };
}
