// Signing and verifying webhook bodies over their raw bytes, timing-safe. node:crypto only.
import { createHmac, timingSafeEqual } from "node:crypto";
import { isSecretKey, signEd25519, verifiesEd25519, type PublicKey, type SecretKey } from "./ed25519-keys.js";

export { isSecretKey, publicKey, publicKeyOf, publicKeys, secretKey, type PublicKey, type SecretKey } from "./ed25519-keys.js";

/** The bytes an HMAC is keyed with (a Uint8Array, so the published types need no @types/node). */
export type SigningKey = Uint8Array;

const WHSEC_PREFIX = "whsec_";
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;

/** A secret written `whsec_<base64>` keys with its decoded bytes; any other with its UTF-8 bytes. */
export function signingKey(secret: string): SigningKey {
  // Keyed with its text, an Ed25519 key would turn a public key into a shared secret anyone could sign with.
  if (secret.startsWith("whpk_") || isSecretKey(secret)) throw new Error("a whpk_ or whsk_ key is an Ed25519 key, not an HMAC secret");
  if (!secret.startsWith(WHSEC_PREFIX)) return Buffer.from(secret, "utf8");
  const encoded = secret.slice(WHSEC_PREFIX.length);
  if (encoded.length === 0 || !BASE64.test(encoded)) {
    throw new Error("a whsec_ secret must be followed by base64");
  }
  return Buffer.from(encoded, "base64");
}

/** One secret or several, comma-separated (rotation); blanks around each are ignored. */
export function signingKeys(secrets: string): SigningKey[] {
  return secrets
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(signingKey);
}

const hmac = (key: SigningKey, ...parts: Uint8Array[]) => {
  const mac = createHmac("sha256", key);
  for (const part of parts) mac.update(part);
  return mac.digest();
};

/** Compares against every key without stopping early, so timing tells nothing about which matched. */
const matchesAnyKey = (keys: readonly SigningKey[], expected: Uint8Array, ...parts: Uint8Array[]) => {
  let matched = false;
  for (const key of keys) {
    const actual = hmac(key, ...parts);
    if (actual.length === expected.length && timingSafeEqual(actual, expected)) matched = true;
  }
  return matched;
};

// ---- Scheme 1: X-Signature, hex HMAC-SHA256 of the raw body

export const signHex = (key: SigningKey, body: Uint8Array): string => hmac(key, body).toString("hex");

/** Why an X-Signature holds or not; `prefixed` is GitHub's `sha256=<hex>` form, named so a sender can fix it. */
export type HexCheck = "valid" | "absent" | "malformed" | "prefixed" | "mismatch";

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

export function checkHex(keys: readonly SigningKey[], body: Uint8Array, header: string | undefined): HexCheck {
  if (header === undefined) return "absent";
  const hex = header.trim();
  if (!HEX_SHA256.test(hex)) return /^sha256=/i.test(hex) ? "prefixed" : "malformed";
  return matchesAnyKey(keys, Buffer.from(hex, "hex"), body) ? "valid" : "mismatch";
}

export const verifyHex = (keys: readonly SigningKey[], body: Uint8Array, header: string | undefined): boolean =>
  checkHex(keys, body, header) === "valid";

// ---- Scheme 2: Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature)

export interface StandardWebhookHeaders {
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

export type StandardVerdict = "valid" | "invalid" | "stale";

/** Why Standard Webhooks headers hold or not, finer than StandardVerdict, so a sender learns what to fix. */
export type StandardCheck = "valid" | "incomplete" | "bad_timestamp" | "no_entry" | "stale" | "mismatch";

/** What entries are checked against: `v1` entries against HMAC secrets, `v1a` entries against Ed25519 public keys. */
export interface StandardKeys {
  secrets?: readonly SigningKey[] | undefined;
  publicKeys?: readonly PublicKey[] | undefined;
}

const standardPrefix = (id: string, timestamp: string) => Buffer.from(`${id}.${timestamp}.`, "utf8");

/** The `webhook-signature` value for a body: `v1,<base64>`, HMAC-SHA256. */
export function signStandard(key: SigningKey, id: string, timestamp: number, body: Uint8Array): string {
  return `v1,${hmac(key, standardPrefix(id, String(timestamp)), body).toString("base64")}`;
}

/** The `webhook-signature` value for a body: `v1a,<base64>`, Ed25519 with a `whsk_` secret key. */
export function signStandardV1a(key: SecretKey, id: string, timestamp: number, body: Uint8Array): string {
  const content = Buffer.concat([standardPrefix(id, String(timestamp)), body]);
  return `v1a,${Buffer.from(signEd25519(key, content)).toString("base64")}`;
}

export interface ToleranceOptions {
  nowSeconds: number;
  toleranceSeconds: number;
}

/** Each v1a entry costs an Ed25519 verification per public key; a sender rotating keys needs two. */
const MAX_V1A_ENTRIES = 8;

/** A bare list of keys is the HMAC secrets alone, as before v1a. */
const standardKeys = (keys: StandardKeys | readonly SigningKey[]): StandardKeys => ("length" in keys ? { secrets: keys } : keys);

export function checkStandard(
  keys: StandardKeys | readonly SigningKey[],
  body: Uint8Array,
  headers: StandardWebhookHeaders,
  options: ToleranceOptions,
): StandardCheck {
  const { secrets = [], publicKeys = [] } = standardKeys(keys);
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) return "incomplete";
  if (!/^[0-9]{1,15}$/.test(timestamp)) return "bad_timestamp";
  const entries = signature
    .split(" ")
    .map((entry) => entry.split(",", 2))
    .filter(([, encoded]) => encoded && BASE64.test(encoded));
  // Only entries a configured key can check count: a v1a entry means nothing to a service holding secrets alone.
  const decoded = (version: string, keyCount: number) =>
    keyCount === 0 ? [] : entries.filter(([v]) => v === version).map(([, encoded]) => Buffer.from(encoded!, "base64"));
  const v1 = decoded("v1", secrets.length);
  const v1a = decoded("v1a", publicKeys.length).slice(0, MAX_V1A_ENTRIES);
  if (v1.length + v1a.length === 0) return "no_entry";
  if (Math.abs(options.nowSeconds - Number(timestamp)) > options.toleranceSeconds) return "stale";
  const prefix = standardPrefix(id, timestamp);
  let valid = false;
  for (const expected of v1) if (matchesAnyKey(secrets, expected, prefix, body)) valid = true;
  if (!valid && v1a.length > 0) {
    const content = Buffer.concat([prefix, body]);
    valid = v1a.some((entry) => verifiesEd25519(publicKeys, entry, content));
  }
  return valid ? "valid" : "mismatch";
}

export function verifyStandard(
  keys: StandardKeys | readonly SigningKey[],
  body: Uint8Array,
  headers: StandardWebhookHeaders,
  options: ToleranceOptions,
): StandardVerdict {
  const check = checkStandard(keys, body, headers, options);
  return check === "valid" || check === "stale" ? check : "invalid";
}
