// `lyftr send`: a flag-built message through the typed client, or a file's exact bytes by raw fetch.
import { randomUUID } from "node:crypto";
import { DEFAULT_SECRET_ENV, parseFlags, readBody, requireJson, secretFrom, type CliIo, type SigningSecret } from "./cli-input.js";
import { SEND_HELP } from "./help.js";
import { SIGNING_FLAGS, signatureHeaders, signingFrom, type Signing } from "./signature-headers.js";
import { networkReason } from "./network-error.js";
import { DEFAULT_URL, serviceUrl, timeoutFrom } from "./service-options.js";
import { EXIT_FAILED, EXIT_OK, UsageError } from "./usage-error.js";

const MESSAGE_FLAGS = ["message-id", "from", "to", "ts", "text"] as const;

const OPTIONS = {
  "message-id": { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  ts: { type: "string" },
  text: { type: "string" },
  url: { type: "string" },
  timeout: { type: "string" },
  ...SIGNING_FLAGS,
} as const;

interface Answer {
  status: number;
  body: unknown;
}

export async function sendCommand(args: string[], io: CliIo): Promise<number> {
  const flags = parseFlags(args, OPTIONS);
  if (flags.help) {
    io.out(SEND_HELP);
    return EXIT_OK;
  }
  const fromFile = flags.file !== undefined;
  const given = MESSAGE_FLAGS.filter((name) => flags[name] !== undefined);
  if (fromFile && given.length > 0) throw new UsageError(`--file cannot be combined with --${given.join(", --")}`);
  if (!fromFile && (flags.from === undefined || flags.to === undefined)) {
    throw new UsageError("missing --from and --to (or send a JSON body with --file)");
  }
  const baseUrl = serviceUrl(flags.url ?? io.env.LYFTR_URL ?? DEFAULT_URL);
  const timeoutMs = timeoutFrom(flags.timeout) * 1000;
  const signing = signingFrom(flags);
  const { secret, key } = secretFrom(io.env, flags["secret-env"] ?? DEFAULT_SECRET_ENV, signing.scheme);

  let post: (signal: AbortSignal) => Promise<Answer>;
  let messageId: string | undefined;
  if (fromFile) {
    const { bytes, source } = await readBody(flags.file, io, "send");
    requireJson(bytes, source);
    post = (signal) => postBytes(baseUrl, bytes, signatureHeaders(key, bytes, signing), signal);
  } else {
    const message = {
      message_id: flags["message-id"] ?? `cli-${randomUUID()}`,
      from: flags.from!,
      to: flags.to!,
      ts: flags.ts ?? new Date().toISOString(),
      ...(flags.text === undefined ? {} : { text: flags.text }),
    };
    messageId = message.message_id;
    post = (signal) => postMessage(baseUrl, secret, key, message, signing, signal);
  }

  let answer: Answer;
  try {
    answer = await post(AbortSignal.timeout(timeoutMs));
  } catch (error) {
    const reason = networkReason(error, timeoutMs);
    io.err(`lyftr send: cannot reach ${new URL(baseUrl).origin}: ${reason} (is the service running? set LYFTR_URL or --url)`);
    return EXIT_FAILED;
  }
  // Only now: an id printed before a refused connection reads as if something had been sent.
  if (messageId !== undefined) io.out(`message_id ${messageId}`);
  // ts-rest hands back a Blob for content types it does not know; show its text, not "{}".
  const body = answer.body instanceof Blob ? await answer.body.text() : answer.body;
  io.out(`HTTP ${answer.status} ${typeof body === "string" ? body : JSON.stringify(body)}`);
  return answer.status === 200 ? EXIT_OK : EXIT_FAILED;
}

/** The typed client signs X-Signature itself; Standard Webhooks headers are signed here over the same serialisation. */
async function postMessage(
  baseUrl: string,
  secret: string,
  key: SigningSecret,
  message: { message_id: string; from: string; to: string; ts: string; text?: string },
  signing: Signing,
  signal: AbortSignal,
): Promise<Answer> {
  // Loaded here, not at start-up: zod and ts-rest would slow every `sign` and `--help` for nothing.
  const { createClient } = await import("@lyftr/client");
  if (signing.scheme === "hex") {
    return createClient({ baseUrl, secret }).ingestMessage({ body: message, fetchOptions: { signal } });
  }
  // ts-rest sends JSON.stringify(body): the same bytes as these.
  const headers = signatureHeaders(key, Buffer.from(JSON.stringify(message), "utf8"), signing);
  return createClient({ baseUrl }).ingestMessage({ body: message, headers, fetchOptions: { signal } });
}

async function postBytes(baseUrl: string, body: Buffer, headers: Record<string, string>, signal: AbortSignal): Promise<Answer> {
  const response = await fetch(`${baseUrl}/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
    signal,
  });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}
