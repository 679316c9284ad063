// What every command reads: flags, the signing key from the environment, and the body bytes.
import { readFile } from "node:fs/promises";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { isSecretKey, secretKey, signingKey, type SecretKey, type SigningKey } from "@lyftr/client/signing";
import { UsageError } from "./usage-error.js";

/** The process edge, passed in so the commands never touch process.* themselves. */
export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  readStdin(): Promise<Buffer>;
  stdinIsTty: boolean;
  out(line: string): void;
  /** Where `export` streams the file when no --out is given. */
  stdout: NodeJS.WritableStream;
  err(line: string): void;
}

export const DEFAULT_SECRET_ENV = "WEBHOOK_SECRET";

type Options = NonNullable<ParseArgsConfig["options"]>;
type Flags<O extends Options> = ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: false }>>["values"];

/** node:util parseArgs, strict, with its errors turned into one-line usage errors. */
export function parseFlags<O extends Options>(args: string[], options: O): Flags<O> {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(message.replace(/\s*\n\s*/g, " "));
  }
}

/** How the secret signs: as an HMAC key (X-Signature, Standard Webhooks v1), or as a whsk_ Ed25519 key (v1a only). */
export type SigningSecret = { kind: "hmac"; key: SigningKey } | { kind: "ed25519"; key: SecretKey };

/** The first secret of the (comma-separated) variable, as the service's rotation list is written. */
export function secretFrom(
  env: CliIo["env"],
  variable: string,
  scheme: "hex" | "standard",
): { secret: string; key: SigningSecret } {
  const secret = (env[variable] ?? "")
    .split(",")
    .map((s) => s.trim())
    .find((s) => s.length > 0);
  if (secret === undefined) {
    throw new UsageError(`no secret: ${variable} is unset or empty (set it, or name another variable with --secret-env)`);
  }
  if (isSecretKey(secret) && scheme === "hex") {
    throw new UsageError(`${variable} holds a whsk_ key, which signs only Standard Webhooks v1a: add --scheme standard`);
  }
  try {
    const key: SigningSecret = isSecretKey(secret)
      ? { kind: "ed25519", key: secretKey(secret) }
      : { kind: "hmac", key: signingKey(secret) };
    return { secret, key };
  } catch (error) {
    // signingKey's and secretKey's messages describe the shape, never the value.
    throw new UsageError(`${variable}: ${error instanceof Error ? error.message : "unusable secret"}`);
  }
}

/** A body's exact bytes, and where they came from, as messages name it ("--file <path>" or "stdin"). */
export interface Body {
  bytes: Buffer;
  source: string;
}

/** The bytes of a file, or of stdin for `-`, untouched: the signature covers them as they are. */
export async function readBody(path: string | undefined, io: CliIo, purpose: "sign" | "send"): Promise<Body> {
  const fromStdin = path === undefined || path === "-";
  if (path === undefined && io.stdinIsTty) throw new UsageError("no body: pass --file <path> or pipe it on stdin");
  const source = fromStdin ? "stdin" : `--file ${path}`;
  const bytes = fromStdin ? await io.readStdin() : await readFileAs(path, source);
  // Nothing has a signature too, but it is never the one meant: a wrong path, an empty pipe, a file not yet saved.
  if (bytes.length === 0) throw new UsageError(`${source} is empty: nothing to ${purpose}`);
  return { bytes, source };
}

const FILE_ERRORS: Record<string, string> = {
  ENOENT: "no such file",
  EISDIR: "is a directory, not a file",
  EACCES: "permission denied",
  EPERM: "permission denied",
};

async function readFileAs(path: string, source: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    throw new UsageError(`${source}: ${FILE_ERRORS[code] ?? `cannot read it (${code || "read error"})`}`);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Refuses a body the service would answer 422 for as unparseable, before anything is sent. */
export function requireJson(body: Buffer, source: string): void {
  try {
    JSON.parse(utf8.decode(body));
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : "not valid UTF-8";
    throw new UsageError(`${source} is not valid JSON: ${reason}`);
  }
}
