// The gate before POST /webhook's handler: secret, size, signature on the raw bytes, type, then JSON.
import type { IncomingMessage } from "node:http";
import { checkHex, checkStandard, type HexCheck, type PublicKey, type SigningKey, type StandardCheck } from "../../contracts/signature.js";
import { sendError, sendJson, validationBody } from "./errors.js";
import { readRawBody } from "./read-body.js";
import type { WebhookLocals } from "./request-facts.js";
import type { Reply } from "./steps.js";

export interface WebhookGateOptions {
  signingKeys: readonly SigningKey[];
  /** Ed25519 keys for Standard Webhooks v1a entries; configured with or without signingKeys. */
  publicKeys: readonly PublicKey[];
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

// What a sender can fix; never the expected value or anything about the secret.
const HEX_REASONS: Record<Exclude<HexCheck, "valid">, string> = {
  absent: "no signature: send X-Signature (hex HMAC-SHA256 of the body) or the Standard Webhooks headers",
  malformed: "X-Signature must be 64 hex digits (HMAC-SHA256 of the body)",
  prefixed: 'X-Signature has a GitHub-style "sha256=" prefix: send the 64 hex digits alone',
  mismatch: "X-Signature does not match the body: sign the exact bytes sent, with the webhook secret",
};
const STANDARD_REASONS: Record<Exclude<StandardCheck, "valid" | "stale">, string> = {
  incomplete: "Standard Webhooks needs all three headers: webhook-id, webhook-timestamp and webhook-signature",
  bad_timestamp: "webhook-timestamp must be Unix seconds",
  no_entry: "webhook-signature must hold space-separated v1,<base64> or v1a,<base64> entries, of a kind this service checks",
  mismatch: "webhook-signature does not match: sign webhook-id.webhook-timestamp.body, with the webhook secret (v1) or whsk_ key (v1a)",
};

export function webhookGate(options: WebhookGateOptions): WebhookGate {
  const { signingKeys, publicKeys, maxBodyBytes, toleranceSeconds } = options;
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));

  /** Why the signature does not hold, for the sender to fix; null when it holds. */
  const signatureFault = (req: IncomingMessage, body: Buffer): string | null => {
    const hexHeader = header(req.headers["x-signature"]);
    const hex = checkHex(signingKeys, body, hexHeader);
    if (hex === "valid") return null;
    const standard = {
      id: header(req.headers["webhook-id"]),
      timestamp: header(req.headers["webhook-timestamp"]),
      signature: header(req.headers["webhook-signature"]),
    };
    const standardSent = standard.id !== undefined || standard.timestamp !== undefined || standard.signature !== undefined;
    if (!standardSent) return HEX_REASONS[hex];
    const check = checkStandard({ secrets: signingKeys, publicKeys }, body, standard, { nowSeconds: nowSeconds(), toleranceSeconds });
    if (check === "valid") return null;
    const reason = check === "stale" ? `webhook-timestamp is more than ${toleranceSeconds} s from the server clock` : STANDARD_REASONS[check];
    return hexHeader === undefined ? reason : `${HEX_REASONS[hex]}; ${reason}`;
  };

  return (req, res, onJson) => {
    if (signingKeys.length === 0 && publicKeys.length === 0) {
      (res.locals as WebhookLocals).notConfigured = true;
      return sendError(res, 503, "webhook secret not configured");
    }
    // Any content type, read before it is judged: a body over the limit is a 413 whatever it claims to be.
    readRawBody(req, res, maxBodyBytes, (body) => {
      // The signature first: an unsigned request learns nothing about what else would be accepted.
      const reason = signatureFault(req, body);
      if (reason !== null) return sendJson(res, 401, { detail: "invalid signature", reason });
      // Inflating would change the bytes the sender signed.
      const encoding = req.headers["content-encoding"]?.trim().toLowerCase() || "identity";
      if (encoding !== "identity") return sendError(res, 415, "unsupported content encoding");
      if (!isJsonType(req.headers["content-type"])) return sendError(res, 415, "Content-Type must be application/json");
      let json: unknown;
      try {
        json = JSON.parse(utf8.decode(body));
      } catch (error) {
        const why = error instanceof SyntaxError ? `body is not valid JSON: ${error.message}` : "body is not valid UTF-8";
        return sendJson(res, 422, validationBody("body is not valid JSON", [{ path: "body", message: why }]));
      }
      onJson(json);
    });
  };
}
