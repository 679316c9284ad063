// The headers that sign a body under either scheme the service accepts.
import { randomUUID } from "node:crypto";
import { signHex, signStandard, signStandardV1a } from "@lyftr/client/signing";
import type { SigningSecret } from "./cli-input.js";
import { UsageError } from "./usage-error.js";

export type Scheme = "hex" | "standard";

/** The flags both commands take: where the body comes from, how it is signed, with which secret. */
export const SIGNING_FLAGS = {
  file: { type: "string" },
  scheme: { type: "string" },
  id: { type: "string" },
  timestamp: { type: "string" },
  "secret-env": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export interface SchemeFlags {
  scheme?: string;
  id?: string;
  timestamp?: string;
}

/** The scheme and, for Standard Webhooks, the id and Unix timestamp (defaults: a fresh id, now). */
export interface Signing {
  scheme: Scheme;
  id: string;
  timestamp: number;
}

export function signingFrom(flags: SchemeFlags): Signing {
  const scheme = flags.scheme ?? "hex";
  if (scheme !== "hex" && scheme !== "standard") throw new UsageError(`--scheme must be hex or standard, not ${scheme}`);
  if (scheme === "hex" && (flags.id !== undefined || flags.timestamp !== undefined)) {
    throw new UsageError("--id and --timestamp apply only to --scheme standard");
  }
  if (flags.id !== undefined && flags.id.length === 0) throw new UsageError("--id must not be empty");
  if (flags.timestamp !== undefined && !/^[0-9]{1,15}$/.test(flags.timestamp)) {
    throw new UsageError("--timestamp must be Unix seconds (digits only)");
  }
  return {
    scheme,
    id: flags.id ?? `msg_${randomUUID().replaceAll("-", "")}`,
    timestamp: flags.timestamp === undefined ? Math.floor(Date.now() / 1000) : Number(flags.timestamp),
  };
}

/** A whsk_ key never reaches the hex scheme: secretFrom refuses that pairing first. */
export function signatureHeaders(secret: SigningSecret, body: Uint8Array, signing: Signing): Record<string, string> {
  if (signing.scheme === "hex" && secret.kind === "hmac") return { "x-signature": signHex(secret.key, body) };
  const { id, timestamp } = signing;
  const signature =
    secret.kind === "ed25519" ? signStandardV1a(secret.key, id, timestamp, body) : signStandard(secret.key, id, timestamp, body);
  return { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": signature };
}
