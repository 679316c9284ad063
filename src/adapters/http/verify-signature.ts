// The gate before POST /webhook's handler: secret, size, type, signature on the raw bytes, then JSON.
import type { RequestHandler } from "express";
import { verifyHex, verifyStandard, type SigningKey } from "../../contracts/signature.js";
import { sendError, sendJson, validationBody } from "./errors.js";
import { readRawBody } from "./read-body.js";
import type { WebhookLocals } from "./request-facts.js";

export interface WebhookGateOptions {
  signingKeys: readonly SigningKey[];
  maxBodyBytes: number;
  toleranceSeconds: number;
  /** Unix seconds; a parameter so tests can move the clock. */
  nowSeconds?: () => number;
}

const JSON_TYPE = /^application\/json\s*(;|$)/i;
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(",") : value);

export function webhookGate(options: WebhookGateOptions): RequestHandler[] {
  const { signingKeys, maxBodyBytes, toleranceSeconds } = options;
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));

  const requireSecret: RequestHandler = (_req, res, next) => {
    if (signingKeys.length > 0) return next();
    (res.locals as WebhookLocals).notConfigured = true;
    sendError(res, 503, "webhook secret not configured");
  };

  // Any content type, read before it is judged: a body over the limit is a 413 whatever it claims to be.
  const readBody = readRawBody(maxBodyBytes);

  const requireJson: RequestHandler = (req, res, next) =>
    JSON_TYPE.test(req.headers["content-type"] ?? "")
      ? next()
      : sendError(res, 415, "Content-Type must be application/json");

  const verify: RequestHandler = (req, res, next) => {
    const body = req.body as Buffer; // readRawBody always leaves the bytes here
    if (verifyHex(signingKeys, body, header(req.headers["x-signature"]))) return next();
    const standard = {
      id: header(req.headers["webhook-id"]),
      timestamp: header(req.headers["webhook-timestamp"]),
      signature: header(req.headers["webhook-signature"]),
    };
    if (standard.signature === undefined) return sendError(res, 401, "invalid signature");
    const verdict = verifyStandard(signingKeys, body, standard, { nowSeconds: nowSeconds(), toleranceSeconds });
    if (verdict === "valid") return next();
    sendError(res, 401, verdict === "stale" ? "webhook-timestamp outside the tolerance window" : "invalid signature");
  };

  const parseJson: RequestHandler = (req, res, next) => {
    try {
      req.body = JSON.parse(utf8.decode(req.body as Buffer));
    } catch (error) {
      const reason = error instanceof SyntaxError ? error.message : "body is not valid UTF-8";
      return sendJson(res, 422, validationBody("body is not valid JSON", [{ path: "body", message: reason }]));
    }
    next();
  };

  return [requireSecret, readBody, requireJson, verify, parseJson];
}
