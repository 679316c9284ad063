// The gate before POST /webhook's validation: secret, size, signature on the raw bytes, type, then JSON; a verdict, never an answer.
import type { IncomingMessage } from "node:http";
import { checkHex, checkStandard, type PublicKey, type SigningKey } from "../../contracts/signature.js";
import type { SignatureScheme } from "../../domain/delivery.js";
import { readRawBody } from "./read-body.js";
import type { SignatureFault, WebhookVerdict } from "./webhook-results.js";

export interface WebhookGateOptions {
  signingKeys: readonly SigningKey[];
  /** Ed25519 keys for Standard Webhooks v1a entries; configured with or without signingKeys. */
  publicKeys: readonly PublicKey[];
  maxBodyBytes: number;
  toleranceSeconds: number;
  /** Unix seconds; a parameter so tests can move the clock. */
  nowSeconds?: () => number;
}

/** What the gate saw; `verdict` when it refused, else the parsed JSON. */
export interface GateOutcome {
  verdict?: WebhookVerdict;
  json?: unknown;
  /** The bytes read; null when the body was refused unread. */
  body: Buffer | null;
  scheme: SignatureScheme;
}

export type WebhookGate = (req: IncomingMessage, done: (outcome: GateOutcome) => void) => void;

const JSON_TYPE = /^application\/json\s*(;|$)/i;
/** Many HTTP clients send bytes without a Content-Type; only an explicit other type is refused. */
const isJsonType = (type: string | undefined) => type === undefined || type.trim() === "" || JSON_TYPE.test(type);
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(",") : value);

const HEX_FAULTS = { absent: "absent", malformed: "hex_malformed", prefixed: "hex_prefixed", mismatch: "hex_mismatch" } as const;
const STANDARD_FAULTS = {
  incomplete: "standard_incomplete",
  bad_timestamp: "standard_bad_timestamp",
  no_entry: "standard_no_entry",
  mismatch: "standard_mismatch",
} as const;

export function schemeOf(req: IncomingMessage): SignatureScheme {
  const h = req.headers;
  if (h["webhook-signature"] !== undefined || h["webhook-id"] !== undefined || h["webhook-timestamp"] !== undefined) return "standard";
  return h["x-signature"] === undefined ? "none" : "x-signature";
}

export function webhookGate(options: WebhookGateOptions): WebhookGate {
  const { signingKeys, publicKeys, maxBodyBytes, toleranceSeconds } = options;
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));

  /** The refusal a signature earns, or null when it holds by either scheme. */
  const signatureVerdict = (req: IncomingMessage, body: Buffer, scheme: SignatureScheme): WebhookVerdict | null => {
    const hexHeader = header(req.headers["x-signature"]);
    const hex = checkHex(signingKeys, body, hexHeader);
    if (hex === "valid") return null;
    if (scheme !== "standard") return { result: "invalid_signature", faults: [HEX_FAULTS[hex]] };
    const standard = {
      id: header(req.headers["webhook-id"]),
      timestamp: header(req.headers["webhook-timestamp"]),
      signature: header(req.headers["webhook-signature"]),
    };
    const check = checkStandard({ secrets: signingKeys, publicKeys }, body, standard, { nowSeconds: nowSeconds(), toleranceSeconds });
    if (check === "valid") return null;
    if (check === "stale") return { result: "stale_timestamp", toleranceSeconds };
    const faults: SignatureFault[] = hexHeader === undefined ? [] : [HEX_FAULTS[hex]];
    return { result: "invalid_signature", faults: [...faults, STANDARD_FAULTS[check]] };
  };

  return (req, done) => {
    const scheme = schemeOf(req);
    if (signingKeys.length === 0 && publicKeys.length === 0) return done({ verdict: { result: "not_configured" }, body: null, scheme });
    // Any content type, read before it is judged: a body over the limit is a 413 whatever it claims to be.
    readRawBody(req, maxBodyBytes, (read) => {
      if ("aborted" in read) return done({ verdict: { result: "bad_request" }, body: null, scheme });
      if ("tooLarge" in read) return done({ verdict: { result: "too_large", limit: maxBodyBytes }, body: null, scheme });
      const { body } = read;
      // The signature first: an unsigned request learns nothing about what else would be accepted.
      const refused = signatureVerdict(req, body, scheme);
      if (refused !== null) return done({ verdict: refused, body, scheme });
      // Inflating would change the bytes the sender signed.
      const encoding = req.headers["content-encoding"]?.trim().toLowerCase() || "identity";
      if (encoding !== "identity") return done({ verdict: { result: "unsupported_media_type", fault: "content_encoding" }, body, scheme });
      if (!isJsonType(req.headers["content-type"])) {
        return done({ verdict: { result: "unsupported_media_type", fault: "content_type" }, body, scheme });
      }
      let json: unknown;
      try {
        json = JSON.parse(utf8.decode(body));
      } catch (error) {
        const message = error instanceof SyntaxError ? `body is not valid JSON: ${error.message}` : "body is not valid UTF-8";
        return done({ verdict: { result: "validation_error", notJson: true, errors: [{ path: "body", message }], messageId: null }, body, scheme });
      }
      done({ json, body, scheme });
    });
  };
}
