// Ed25519 key pairs made with node:crypto, written as Standard Webhooks serialises them, and v1a entries signed independently.
import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";

/** A fresh key pair: whsk_ holds the 32-byte seed, whpk_ the 32-byte public key. */
export function keyPair() {
  const pair = generateKeyPairSync("ed25519");
  const seed = pair.privateKey.export({ format: "der", type: "pkcs8" }).subarray(-32);
  const raw = pair.publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  return { ...pair, seed, whsk: `whsk_${seed.toString("base64")}`, whpk: `whpk_${raw.toString("base64")}` };
}

/** `v1a,<base64>` over id.timestamp.body, signed with node:crypto directly, not with the code under test. */
export const v1a = (privateKey: KeyObject, id: string, timestamp: number | string, body: string | Uint8Array) =>
  `v1a,${sign(null, Buffer.concat([Buffer.from(`${id}.${timestamp}.`), Buffer.from(body)]), privateKey).toString("base64")}`;
