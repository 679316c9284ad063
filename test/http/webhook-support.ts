// Shared checks for the POST /webhook suites: exact raw requests, clean error bodies, what got stored.
import { expect } from "vitest";
import type { Message } from "../../src/domain/message.js";
import { signBody } from "../support/messages.js";
import { SECRET, type TestServer } from "../support/server.js";

export interface RawResponse {
  status: number;
  contentType: string;
  /** The Retry-After header, or null without one. */
  retryAfter: string | null;
  text: string;
  body: any;
}

/** Content-Type JSON and a correct X-Signature for exactly these bytes. */
export const signedJson = (body: string | Buffer, secret = SECRET): Record<string, string> => ({
  "content-type": "application/json",
  "x-signature": signBody(secret, body),
});

/** POST /webhook with exactly these headers (none added: a Buffer body gets no implicit content type). */
export async function rawPost(
  baseUrl: string,
  body: Buffer | string | ReadableStream<Uint8Array>,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const init: RequestInit = { method: "POST", headers, body };
  if (body instanceof ReadableStream) init.duplex = "half"; // fetch refuses a streamed body without it
  return toRaw(await fetch(`${baseUrl}/webhook`, init));
}

export async function toRaw(response: Response): Promise<RawResponse> {
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined; // a test asserting JSON will say so
  }
  const { headers } = response;
  return { status: response.status, contentType: headers.get("content-type") ?? "", retryAfter: headers.get("retry-after"), text, body: parsed };
}

/** A body sent in pieces, so fetch uses chunked transfer encoding and no Content-Length. */
export function chunked(bytes: Buffer, pieceSize = 4096): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(new Uint8Array(bytes.subarray(offset, offset + pieceSize)));
      offset += pieceSize;
    },
  });
}

// Stack frames, error class prefixes, SQL and the secret must never reach a client.
const LEAKS = [
  /\bat .*:\d+:\d+/,
  /\n\s+at /,
  /\w*Error: /,
  /node_modules|\/src\//,
  /sqlite|no such table|insert into/i,
];

/** A JSON error answer with this status, a string `detail` (this one, when given) and nothing internal. */
export function expectError(
  res: { status: number; contentType: string; text: string; body: any },
  status: number,
  detail?: string,
): void {
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { detail: expect.any(String) } });
  expect(res.contentType).toMatch(/^application\/json\b/);
  if (detail !== undefined) expect(res.body.detail).toBe(detail);
  for (const leak of LEAKS) expect(res.text).not.toMatch(leak);
  expect(res.text).not.toContain(SECRET);
}

/** How many messages the repository holds. */
export async function storedTotal(server: TestServer): Promise<number> {
  return (await server.storage.messages.list({}, { limit: 1, offset: 0 })).total;
}

/** The stored copy of a message, straight from the repository. */
export async function stored(server: TestServer, messageId: string): Promise<Message | undefined> {
  const { data } = await server.storage.messages.list({}, { limit: 10_000, offset: 0 });
  return data.find((m) => m.message_id === messageId);
}

/** Runs a request that must be refused, and proves the repository did not change. */
export async function expectRefused(
  server: TestServer,
  send: () => Promise<RawResponse>,
  status: number,
  detail?: string,
): Promise<RawResponse> {
  const before = await storedTotal(server);
  const res = await send();
  expectError(res, status, detail);
  expect(await storedTotal(server)).toBe(before);
  return res;
}

export const json = (value: unknown): string => JSON.stringify(value);

/** A typed-client answer in the shape the raw checks take (the client has already checked it against the contract). */
export async function viaClient(
  call: Promise<{ status: number; body: unknown; headers: Headers }>,
): Promise<RawResponse> {
  const { status, body, headers } = await call;
  return { status, contentType: headers.get("content-type") ?? "", retryAfter: headers.get("retry-after"), text: JSON.stringify(body), body };
}

/** For afterEach: nothing was logged as an error (no 500s); emptied so one failure does not cascade. */
export function expectNoErrorsLogged(server: TestServer): void {
  expect(server.loggedErrors.splice(0)).toEqual([]);
}
