// Test data and raw signed requests, for the cases a typed client cannot send.
import { signHex, signingKey } from "../../src/contracts/signature.js";
import { timestampKey, type Message, type ReceivedMessage } from "../../src/domain/message.js";

let counter = 0;

/** A valid message; every call gets a fresh message_id unless one is given. */
export function aMessage(overrides: Partial<Message> = {}): Message {
  counter += 1;
  return {
    message_id: `m-${process.pid}-${counter}`,
    from: "+919876543210",
    to: "+14155550100",
    ts: "2025-01-15T10:00:00Z",
    text: "Hello",
    ...overrides,
  };
}

/** A message as the webhook's validation hands it on: with its instant key. Throws on a ts the contract would refuse. */
export function keyed(message: Message): ReceivedMessage {
  const tsKey = timestampKey(message.ts);
  if (tsKey === null) throw new Error(`not a valid ts: ${message.ts}`);
  return { ...message, tsKey };
}

export const signBody = (secret: string, body: string | Uint8Array) =>
  signHex(signingKey(secret), typeof body === "string" ? Buffer.from(body, "utf8") : body);

/** POST /webhook with exactly these bytes and headers; signs the bytes unless a signature is given. */
export async function postRaw(
  baseUrl: string,
  body: string | Uint8Array,
  options: { secret?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (options.secret !== undefined) headers["x-signature"] = signBody(options.secret, body);
  Object.assign(headers, options.headers);
  const response = await fetch(`${baseUrl}/webhook`, { method: "POST", headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // left as text: a test asserting JSON will say so
  }
  return { status: response.status, body: parsed, headers: response.headers };
}
