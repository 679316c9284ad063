// Shared pieces of the fuzz suites: run counts, exact raw HTTP, the checks every answer must pass.
import { request as httpRequest } from "node:http";
import fc from "fast-check";
import { expect } from "vitest";
import { ErrorBody, ValidationErrorBody } from "../../src/contracts/error-schemas.js";
import { SECRET, type TestServer } from "../support/server.js";

/** Samples per property: moderate by default so `npm test` stays quick; `npm run fuzz` raises it. */
export const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS) || 150);

/** Generous per-test timeout that grows with the run count (a 2-core machine, every sample a real request). */
export const TIMEOUT_MS = 30_000 + RUNS * 150;

export const fuzz = <T>(property: fc.IAsyncPropertyWithHooks<T>) =>
  fc.assert(property, { numRuns: RUNS, timeout: 10_000 });

/** `arb` about once in `oneIn` samples, otherwise undefined (fc.option's `freq` is the other way round). */
export const rarely = <T>(arb: fc.Arbitrary<T>, oneIn: number) =>
  fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

export interface Reply {
  status: number;
  contentType: string;
  text: string;
}

const asReply = async (res: Response): Promise<Reply> => ({
  status: res.status,
  contentType: res.headers.get("content-type") ?? "",
  text: await res.text(),
});

/** fetch, but a sample whose headers fetch itself refuses is skipped rather than failed. */
export async function send(url: string, init: { method: string; headers?: [string, string][]; body?: Uint8Array }) {
  let headers: Headers;
  try {
    headers = new Headers(init.headers ?? []);
  } catch {
    fc.pre(false);
    throw new Error("unreachable");
  }
  return asReply(await fetch(url, { method: init.method, headers, body: init.body, redirect: "manual" }));
}

/** node:http, so the request target and method reach the server byte for byte (fetch normalises both). */
export function sendRaw(
  baseUrl: string,
  method: string,
  path: string,
  headers: [string, string][],
  body?: Uint8Array,
): Promise<Reply> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    // Raw header arrays get no automatic Host, and node frames a DELETE or OPTIONS body by nothing at all;
    // every HTTP/1.1 client (fetch included) sends both.
    const framing = body ? [["content-length", String(body.length)]] : [];
    const raw = [["host", `${hostname}:${port}`], ...framing, ...headers].flat();
    const req = httpRequest({ hostname, port, method, path, agent: false, headers: raw }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers["content-type"] ?? ""),
          text: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      res.on("error", reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer to ${method} ${path.slice(0, 200)}`)));
    req.on("error", (error: Error & { code?: string; rawPacket?: Buffer }) =>
      method === "HEAD" && error.code === "HPE_CLOSED_CONNECTION" && error.rawPacket
        ? resolve(headAnsweredWithBody(error.rawPacket))
        : reject(error),
    );
    req.end(body);
  });
}

/** node's client refuses bytes after a HEAD answer; keep them, so the check on HEAD bodies can show them. */
function headAnsweredWithBody(packet: Buffer): Reply {
  const text = packet.toString("latin1");
  const end = text.indexOf("\r\n\r\n");
  return {
    status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0),
    contentType: /\r\ncontent-type: *([^\r]*)/i.exec(text)?.[1] ?? "",
    text: end < 0 ? text : text.slice(end + 4),
  };
}

// A stack frame, a source file, a dependency path or the secret in any answer is a leak.
const LEAKS = ["    at ", "node_modules", ".ts:", SECRET];

export function expectNoLeak(reply: Reply): void {
  for (const leak of LEAKS) expect(reply.text, `answer ${reply.status} leaks ${JSON.stringify(leak)}`).not.toContain(leak);
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The spec's error answer: JSON with a string `detail`; a 422 also says which fields, as {path, message}. */
export function expectErrorBody(reply: Reply): void {
  expect(reply.contentType, `content type of a ${reply.status}`).toMatch(/^application\/json\b/i);
  const body = parseJson(reply.text);
  const schema = reply.status === 422 ? ValidationErrorBody.strict() : ErrorBody;
  const parsed = schema.safeParse(body);
  expect(parsed.success, `${reply.status} body ${reply.text.slice(0, 300)}`).toBe(true);
}

/** Nothing crashed server-side; emptied so one failure does not hide behind another. */
export function expectNothingLogged(server: TestServer): void {
  expect(server.loggedErrors.splice(0)).toEqual([]);
}

export const storedTotal = async (server: TestServer) =>
  (await server.storage.messages.list({}, { limit: 1, offset: 0 })).total;

/** Header values fetch and node:http both send unchanged: latin-1, no controls but tab, no edge blanks. */
export const headerValue = fc
  .string({ unit: "binary-ascii", maxLength: 80 })
  .map((v) => v.replace(/[^\t\x20-\x7e\x80-\xff]/g, "").replace(/^[\t ]+|[\t ]+$/g, ""));

/** RFC 9110 token characters: what a header name or a method may be made of. */
export const token = (maxLength = 16) =>
  fc.string({ unit: fc.constantFrom(..."!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"), minLength: 1, maxLength });

/** Random bytes around a percent sign: half-escapes, non-hex, overlong and surrogate UTF-8. */
export const percentJunk = fc.oneof(
  fc.constantFrom("%", "%%", "%Z", "%ZZ", "%E0%A4", "%E0%A4%A", "%C0%AF", "%ED%A0%80", "%FF", "%F4%90%80%80", "%u0041", "%2", "%00"),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.constantFrom("", "Z", "%")).map(([b, tail]) => `%${b.toString(16).padStart(2, "0").toUpperCase()}${tail}`),
);
