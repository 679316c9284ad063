// @ts-check
// Signing POST /webhook from the /docs page: the secret read as the server reads it, WebCrypto HMAC-SHA256 over the exact body sent.
// Plain JavaScript because the browser loads it as it is; it runs in Node too, so the tests check it against the server's own signing.

const WHSEC_PREFIX = "whsec_";
// The same rule as contracts/signature.ts, so the page refuses exactly what the server would.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;

/**
 * The HMAC key of a secret as WEBHOOK_SECRET would hold it: a pasted comma-separated list signs
 * with its first entry; `whsec_<base64>` keys with the decoded bytes, any other with its UTF-8 bytes.
 * @param {string} secret
 * @returns {Uint8Array}
 */
export function signingKey(secret) {
  const first = secret.split(",").map((s) => s.trim()).find((s) => s.length > 0);
  if (first === undefined) throw new Error("the secret is empty");
  if (!first.startsWith(WHSEC_PREFIX)) return new TextEncoder().encode(first);
  const encoded = first.slice(WHSEC_PREFIX.length);
  if (encoded.length === 0 || !BASE64.test(encoded)) throw new Error("a whsec_ secret must be followed by base64");
  return Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
}

/** @param {Uint8Array} key @param {string} text */
async function hmac(key, text) {
  if (!globalThis.crypto?.subtle) throw new Error("WebCrypto is unavailable: open /docs over HTTPS or on localhost");
  const imported = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", imported, new TextEncoder().encode(text)));
}

const hex = (/** @type {Uint8Array} */ bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const base64 = (/** @type {Uint8Array} */ bytes) => btoa(String.fromCharCode(...bytes));

/** @typedef {"x-signature" | "standard"} Scheme */
/** @typedef {{ secret: string | null, scheme: Scheme }} Signing */
/** @typedef {{ url: string, method?: string, headers: Record<string, string>, body?: unknown }} Request */

/** The header the request already carries under `name`, whatever its case. @param {Request} req @param {string} name */
const typed = (req, name) => Object.keys(req.headers).find((k) => k.toLowerCase() === name);

// Swagger UI fetches the document itself through the interceptor, with no method.
const isWebhookPost = (/** @type {Request} */ req) =>
  req.method?.toUpperCase() === "POST" && new URL(req.url, "http://page").pathname === "/webhook";

/**
 * Swagger UI's requestInterceptor. On POST /webhook it drops headers left empty (an empty
 * X-Signature is a malformed one) and, with a secret, fills each signature header the user left
 * out, signing the body string exactly as fetch will send it. Every other request passes untouched.
 * @param {() => Signing} signing read at each request, so a secret set or forgotten counts at once
 * @param {() => number} nowSeconds
 */
export function signingInterceptor(signing, nowSeconds = () => Math.floor(Date.now() / 1000)) {
  /** @param {Request} req */
  return async (req) => {
    if (!isWebhookPost(req)) return req;
    for (const [name, value] of Object.entries(req.headers)) if (value === "") delete req.headers[name];
    const { secret, scheme } = signing();
    const body = req.body ?? "";
    if (!secret || typeof body !== "string") return req;
    const key = signingKey(secret);
    if (scheme === "x-signature") {
      if (!typed(req, "x-signature")) req.headers["X-Signature"] = hex(await hmac(key, body));
      return req;
    }
    // A typed id or timestamp is signed as typed: that is how a developer tries a stale timestamp.
    const idName = typed(req, "webhook-id") ?? "webhook-id";
    const timestampName = typed(req, "webhook-timestamp") ?? "webhook-timestamp";
    const id = (req.headers[idName] ??= `msg_${hex(crypto.getRandomValues(new Uint8Array(12)))}`);
    const timestamp = (req.headers[timestampName] ??= String(nowSeconds()));
    if (!typed(req, "webhook-signature")) {
      req.headers["webhook-signature"] = `v1,${base64(await hmac(key, `${id}.${timestamp}.${body}`))}`;
    }
    return req;
  };
}
