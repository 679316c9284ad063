// Ed25519 keys as Standard Webhooks writes them (whpk_, whsk_), and signing and verifying with them. node:crypto only.
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";

/** An Ed25519 public key: the 32 raw bytes of a `whpk_` key. */
export type PublicKey = Uint8Array;
/** An Ed25519 secret key: the 32-byte seed of a `whsk_` key. */
export type SecretKey = Uint8Array;

const PUBLIC_PREFIX = "whpk_";
const SECRET_PREFIX = "whsk_";
// RFC 8410 DER headers: with them the raw key bytes become the SPKI and PKCS#8 that node:crypto imports.
const SPKI_HEADER = Buffer.from("302a300506032b6570032100", "hex");
const PKCS8_HEADER = Buffer.from("302e020100300506032b657004220420", "hex");

/** True for a `whsk_` key, which signs Standard Webhooks v1a rather than keying an HMAC. */
export const isSecretKey = (text: string): boolean => text.startsWith(SECRET_PREFIX);

/** The bytes, when `encoded` is the base64 of exactly `length` of them (padding optional); otherwise null. */
function decodeExactly(encoded: string, length: number): Buffer | null {
  const bytes = Buffer.from(encoded, "base64");
  const canonical = bytes.toString("base64");
  const exact = encoded === canonical || encoded === canonical.replace(/=+$/, "");
  return bytes.length === length && exact ? bytes : null;
}

/** A `whpk_<base64 of 32 bytes>` key; the messages name the rule, never the key. */
export function publicKey(text: string): PublicKey {
  if (isSecretKey(text)) throw new Error("a whsk_ key is a secret key: give its whpk_ public key instead");
  if (!text.startsWith(PUBLIC_PREFIX)) throw new Error("a public key must be written whpk_<base64>");
  const bytes = decodeExactly(text.slice(PUBLIC_PREFIX.length), 32);
  if (bytes === null) throw new Error("a whpk_ key must be followed by the base64 of 32 bytes");
  publicKeyObject(bytes); // imported now, not on the first request
  return bytes;
}

/** One public key or several, comma-separated (rotation); blanks around each are ignored. */
export function publicKeys(texts: string): PublicKey[] {
  return texts
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(publicKey);
}

/**
 * A `whsk_` key: the base64 of the 32-byte seed (as RFC 8032 and the Go reference library hold it)
 * or of 64 bytes, the seed then its public key (as libsodium and Svix hold it).
 */
export function secretKey(text: string): SecretKey {
  if (!isSecretKey(text)) throw new Error("a secret key must be written whsk_<base64>");
  const encoded = text.slice(SECRET_PREFIX.length);
  const bytes = decodeExactly(encoded, 32) ?? decodeExactly(encoded, 64);
  if (bytes === null) throw new Error("a whsk_ key must be followed by the base64 of 32 bytes (or 64: seed and public key)");
  const seed = bytes.subarray(0, 32);
  if (bytes.length === 64 && !Buffer.from(publicKeyOf(seed)).equals(bytes.subarray(32))) {
    throw new Error("a 64-byte whsk_ key must end with the public key of its first 32 bytes");
  }
  return seed;
}

// Imported once per key and kept as long as the key is: verification runs on every request.
const publicKeyObjects = new WeakMap<PublicKey, KeyObject>();
const secretKeyObjects = new WeakMap<SecretKey, KeyObject>();

function publicKeyObject(key: PublicKey): KeyObject {
  let object = publicKeyObjects.get(key);
  if (object === undefined) {
    if (key.length !== 32) throw new Error("an Ed25519 public key is 32 bytes");
    object = createPublicKey({ key: Buffer.concat([SPKI_HEADER, key]), format: "der", type: "spki" });
    publicKeyObjects.set(key, object);
  }
  return object;
}

function secretKeyObject(key: SecretKey): KeyObject {
  let object = secretKeyObjects.get(key);
  if (object === undefined) {
    if (key.length !== 32) throw new Error("an Ed25519 secret key is a 32-byte seed");
    object = createPrivateKey({ key: Buffer.concat([PKCS8_HEADER, key]), format: "der", type: "pkcs8" });
    secretKeyObjects.set(key, object);
  }
  return object;
}

/** The public key that verifies what this secret key signs, e.g. to configure the receiving side. */
export const publicKeyOf = (key: SecretKey): PublicKey =>
  createPublicKey(secretKeyObject(key)).export({ format: "der", type: "spki" }).subarray(SPKI_HEADER.length);

export const signEd25519 = (key: SecretKey, content: Uint8Array): Uint8Array => sign(null, content, secretKeyObject(key));

/** Public keys and signatures are not secret: stopping at the first match gives nothing away. */
export const verifiesEd25519 = (keys: readonly PublicKey[], signature: Uint8Array, content: Uint8Array): boolean =>
  signature.length === 64 && keys.some((key) => verify(null, content, publicKeyObject(key), signature));
