// POST /webhook under arbitrary bytes, content types, encodings and signatures: the spec's status every time, stored exactly when acknowledged.
import { createHmac, randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MessagePage } from "../../src/contracts/message-schemas.js";
import type { Message } from "../../src/domain/message.js";
import { signBody } from "../support/messages.js";
import { SECRET, startServer, type TestServer } from "../support/server.js";
import { deeplyNested, expectedMessage, mutatedMessageObject, validMessageObject } from "./message-arbitraries.js";
import { TIMEOUT_MS, expectErrorBody, expectNoLeak, expectNothingLogged, fuzz, headerValue, parseJson, send, storedTotal } from "./support.js";

const LIMIT = 64 * 1024;
const bytes = (text: string) => new Uint8Array(Buffer.from(text, "utf8"));

const JSON_TYPES = ["application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "Application/Json;charset=UTF-8", "application/json ; x=y", "application/json;"];
const OTHER_TYPES = ["text/plain", "application/jsonp", "application/json-seq", "application/vnd.api+json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "json", "application/ json", "*/*", "text/json"];
const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...JSON_TYPES) },
  fc.constantFrom(...OTHER_TYPES),
  headerValue,
  fc.constant(undefined),
);
/** What the spec calls JSON: `application/json`, any case, parameters allowed; no type (or an empty one) is read as JSON. */
const isJsonType = (type: string | undefined) =>
  type === undefined || type.trim() === "" || type.split(";")[0]!.trim().toLowerCase() === "application/json";

const encoding = fc.oneof(
  { weight: 8, arbitrary: fc.constant(undefined) },
  fc.constantFrom("identity", "IDENTITY", "gzip", "br", "deflate", "x-junk"),
);

const atSize = (size: number) => validMessageObject.map((m) => JSON.stringify(m)).map((t) => t + " ".repeat(Math.max(0, size - Buffer.byteLength(t))));
const body = fc.oneof(
  { weight: 4, arbitrary: validMessageObject.chain((m) => fc.constantFrom(JSON.stringify(m), JSON.stringify(m, null, 2))).map(bytes) },
  { weight: 4, arbitrary: mutatedMessageObject.map((m) => bytes(JSON.stringify(m))) },
  fc.uint8Array({ maxLength: 300 }),
  fc.string({ unit: "binary", maxLength: 200 }).map(bytes),
  fc.string({ unit: "grapheme", maxLength: 200 }).map(bytes),
  fc.json().map(bytes),
  deeplyNested.map(bytes),
  fc.oneof(fc.constantFrom(LIMIT - 1, LIMIT, LIMIT + 1), fc.integer({ min: LIMIT, max: 4 * LIMIT })).chain(atSize).map(bytes),
);

// Independent of src/: the two schemes as the spec words them, keyed with the secret's UTF-8 bytes.
const hmac = (data: Uint8Array[]) => data.reduce((mac, part) => mac.update(part), createHmac("sha256", SECRET));
const standard = (payload: Uint8Array, ageSeconds: number, key = SECRET): [string, string][] => {
  const id = `msg_${randomUUID()}`;
  const ts = String(Math.floor(Date.now() / 1000) - ageSeconds);
  const mac = createHmac("sha256", key).update(`${id}.${ts}.`).update(payload).digest("base64");
  return [["webhook-id", id], ["webhook-timestamp", ts], ["webhook-signature", `v1,${mac}`]];
};

type Signer = (payload: Uint8Array) => [string, string][];
const VALID: Record<string, Signer> = {
  hex: (p) => [["x-signature", signBody(SECRET, p)]],
  HEX: (p) => [["x-signature", hmac([p]).digest("hex").toUpperCase()]],
  standard: (p) => standard(p, 0),
};
const INVALID: Record<string, Signer> = {
  none: () => [],
  "other bytes": (p) => [["x-signature", hmac([p, bytes(" ")]).digest("hex")]],
  "other secret": (p) => [["x-signature", signBody(`${SECRET}-old`, p)]],
  truncated: (p) => [["x-signature", signBody(SECRET, p).slice(0, 63)]],
  "stale standard": (p) => standard(p, 3_600),
  "standard, other secret": (p) => standard(p, 0, "nope"),
};
const signature = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...Object.keys(VALID)).map((name) => ({ name, valid: true, sign: VALID[name]! })) },
  { weight: 3, arbitrary: fc.constantFrom(...Object.keys(INVALID)).map((name) => ({ name, valid: false, sign: INVALID[name]! })) },
  headerValue.map((v) => ({ name: `garbage ${JSON.stringify(v)}`, valid: false, sign: (): [string, string][] => [["x-signature", v]] })),
);

interface Sample {
  body: Uint8Array;
  contentType: string | undefined;
  encoding: string | undefined;
  signature: { name: string; valid: boolean; sign: Signer };
}

/** The spec's order: size, then signature, then type (a Content-Encoding is refused as a type is), then validation. */
function expectedStatuses(s: Sample): number[] {
  if (s.body.length > LIMIT) return [413];
  if (!s.signature.valid) return [401];
  const encoded = s.encoding !== undefined && s.encoding.toLowerCase() !== "identity";
  if (encoded || !isJsonType(s.contentType)) return [415];
  return expectedMessage(s.body) ? [200] : [422];
}

describe("POST /webhook, fuzzed", () => {
  let server: TestServer;
  /** What the store must hold for each id: the first copy acknowledged. */
  const firstCopies = new Map<string, Message>();
  /** Ids a failing sample got stored against the spec; while shrinking, their first copy is not what the oracle says. */
  const tainted = new Set<unknown>();
  const taintIfStored = (status: number, payload: Uint8Array) => {
    if (status === 200) tainted.add((parseJson(Buffer.from(payload).toString("utf8")) as { message_id?: unknown } | undefined)?.message_id);
  };

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.close());

  const post = (s: Sample) => {
    const headers: [string, string][] = [...s.signature.sign(s.body)];
    if (s.contentType !== undefined) headers.push(["content-type", s.contentType]);
    if (s.encoding !== undefined) headers.push(["content-encoding", s.encoding]);
    return send(`${server.baseUrl}/webhook`, { method: "POST", headers, body: s.body });
  };
  const postSigned = (body: Uint8Array, contentType: string, scheme = "hex") =>
    post({ body, contentType, encoding: undefined, signature: { name: scheme, valid: true, sign: VALID[scheme]! } });

  /** GET /messages is how a user finds a message again: same sender, since its own ts, paged. */
  async function listed(m: Message): Promise<Message | undefined> {
    for (let offset = 0; ; offset += 100) {
      const query = new URLSearchParams({ from: m.from, since: m.ts, limit: "100", offset: String(offset) });
      const reply = await send(`${server.baseUrl}/messages?${query}`, { method: "GET" });
      expect(reply.status).toBe(200);
      const page = MessagePage.parse(parseJson(reply.text));
      const hit = page.data.find((x) => x.message_id === m.message_id);
      if (hit || page.data.length < 100) return hit;
    }
  }

  async function expectAcknowledgedAndStored(sent: Message, totalBefore: number) {
    if (tainted.has(sent.message_id)) return;
    const first = firstCopies.get(sent.message_id);
    if (!first) firstCopies.set(sent.message_id, sent);
    expect(await storedTotal(server)).toBe(totalBefore + (first ? 0 : 1));
    expect(await listed(first ?? sent)).toEqual(first ?? sent);
  }

  it(
    "answers every request with the spec's status and shape; only a 200 stores, and only a valid signed message gets one",
    () =>
      fuzz(
        fc.asyncProperty(fc.record({ body, contentType, encoding, signature }), async (s) => {
          const before = await storedTotal(server);
          const reply = await post(s);
          expectNoLeak(reply);
          expectNothingLogged(server);
          if (!expectedStatuses(s).includes(reply.status)) taintIfStored(reply.status, s.body);
          expect(expectedStatuses(s), `answered ${reply.status}: ${reply.text.slice(0, 300)}`).toContain(reply.status);
          if (reply.status !== 200) {
            expectErrorBody(reply);
            expect(await storedTotal(server), "a refused request stored something").toBe(before);
            return;
          }
          expect(parseJson(reply.text)).toEqual({ status: "ok" });
          await expectAcknowledgedAndStored(expectedMessage(s.body)!, before);
        }),
      ),
    TIMEOUT_MS,
  );

  it(
    "answers 200 to every validly signed valid message up to the size limit, and GET /messages then returns it as sent (or the first copy)",
    () =>
      fuzz(
        // A quarter padded with JSON whitespace to exactly the limit, which is still within it.
        fc.asyncProperty(validMessageObject, fc.constantFrom(...JSON_TYPES), fc.constantFrom(...Object.keys(VALID)), fc.constantFrom(0, 0, 0, LIMIT), async (m, type, scheme, size) => {
          const text = JSON.stringify(m);
          const payload = bytes(text + " ".repeat(Math.max(0, size - Buffer.byteLength(text))));
          const before = await storedTotal(server);
          const reply = await postSigned(payload, type, scheme);
          expectNothingLogged(server);
          expect(reply.status, reply.text.slice(0, 300)).toBe(200);
          const sent = expectedMessage(payload);
          expect(sent, "the generator made an invalid message").not.toBeNull();
          await expectAcknowledgedAndStored(sent!, before);
        }),
      ),
    TIMEOUT_MS,
  );

  it(
    "validates every signed near-valid message as the spec says: 200 and stored exactly when valid, else 422 naming a field",
    () =>
      fuzz(
        fc.asyncProperty(mutatedMessageObject, fc.constantFrom(...JSON_TYPES), async (m, type) => {
          const payload = bytes(JSON.stringify(m));
          const before = await storedTotal(server);
          const reply = await postSigned(payload, type);
          expectNothingLogged(server);
          const sent = expectedMessage(payload);
          if (!sent) taintIfStored(reply.status, payload);
          expect(reply.status, `${JSON.stringify(m).slice(0, 300)} → ${reply.text.slice(0, 300)}`).toBe(sent ? 200 : 422);
          if (sent) return expectAcknowledgedAndStored(sent, before);
          expectErrorBody(reply);
          expect(JSON.parse(reply.text).errors.length, "a 422 names what is wrong").toBeGreaterThan(0);
          expect(await storedTotal(server)).toBe(before);
        }),
      ),
    TIMEOUT_MS,
  );

  it("logged no server-side error throughout", () => {
    expectNothingLogged(server);
  });
});
