// The gate before POST /webhook's handler: secret, size, signature on the raw bytes, type, then JSON.
import type { IncomingMessage } from "node:http";
import { verifyHex, verifyStandard, type SigningKey } from "../../contracts/signature.js";
import { sendError, sendJson, validationBody } from "./errors.js";
import { readRawBody } from "./read-body.js";
import type { WebhookLocals } from "./request-facts.js";
import type { Reply } from "./steps.js";

export interface WebhookGateOptions {
  signingKeys: readonly SigningKey[];
  maxBodyBytes: number;
  toleranceSeconds: number;
  /** Unix seconds; a parameter so tests can move the clock. */
  nowSeconds?: () => number;
}

/** Answers the request itself when it fails; otherwise hands the parsed JSON on. */
export type WebhookGate = (req: IncomingMessage, res: Reply, onJson: (json: unknown) => void) => void;

const JSON_TYPE = /^application\/json\s*(;|$)/i;
/** Many HTTP clients send bytes without a Content-Type; only an explicit other type is refused. */
const isJsonType = (type: string | undefined) => type === undefined || type.trim() === "" || JSON_TYPE.test(type);
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(",") : value);

export function webhookGate(options: WebhookGateOptions): WebhookGate {
  const { signingKeys, maxBodyBytes, toleranceSeconds } = options;
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));

  /** Why the signature does not hold, or null when it does. */
  const signatureFault = (req: IncomingMessage, body: Buffer): string | null => {
    if (verifyHex(signingKeys, body, header(req.headers["x-signature"]))) return null;
    const standard = {
      id: header(req.headers["webhook-id"]),
      timestamp: header(req.headers["webhook-timestamp"]),
      signature: header(req.headers["webhook-signature"]),
    };
    if (standard.signature === undefined) return "invalid signature";
    const verdict = verifyStandard(signingKeys, body, standard, { nowSeconds: nowSeconds(), toleranceSeconds });
    if (verdict === "valid") return null;
    return verdict === "stale" ? "webhook-timestamp outside the tolerance window" : "invalid signature";
  };

  return (req, res, onJson) => {
    if (signingKeys.length === 0) {
      (res.locals as WebhookLocals).notConfigured = true;
      return sendError(res, 503, "webhook secret not configured");
    }
    // Any content type, read before it is judged: a body over the limit is a 413 whatever it claims to be.
    readRawBody(req, res, maxBodyBytes, (body) => {
      // The signature first: an unsigned request learns nothing about what else would be accepted.
      const fault = signatureFault(req, body);
      if (fault !== null) return sendError(res, 401, fault);
      // Inflating would change the bytes the sender signed.
      const encoding = req.headers["content-encoding"]?.trim().toLowerCase() || "identity";
      if (encoding !== "identity") return sendError(res, 415, "unsupported content encoding");
      if (!isJsonType(req.headers["content-type"])) return sendError(res, 415, "Content-Type must be application/json");
      let json: unknown;
      try {
        json = JSON.parse(utf8.decode(body));
      } catch (error) {
        const reason = error instanceof SyntaxError ? error.message : "body is not valid UTF-8";
        return sendJson(res, 422, validationBody("body is not valid JSON", [{ path: "body", message: reason }]));
      }
      onJson(json);
    });
  };
}
