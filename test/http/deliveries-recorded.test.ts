// Refused webhooks of every kind, sent as a sender would, come back through GET /deliveries with why, and nothing they carried.
import { createHash, createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aMessage } from "../support/messages.js";
import { SECRET, startServer, type TestServer } from "../support/server.js";
import { rawPost, signedJson } from "./webhook-support.js";

const NOW = 1_736_935_200;
const sha256 = (bytes: string | Buffer) => createHash("sha256").update(bytes).digest("hex");

interface Entry {
  result: string;
  reason: string | null;
  message_id: string | null;
  signature_scheme: string;
  body_bytes: number;
  body_sha256: string | null;
  request_id: string;
  client_address: string | null;
  user_agent: string | null;
  received_at: string;
}

describe("the delivery log of refused webhooks", () => {
  let server: TestServer;
  let entries: Entry[] = [];
  const requestIds = new Map<string, string>();
  const bodies = new Map<string, string>();
  const message = aMessage({ text: "secret words of a refused message" });
  const json = JSON.stringify(message);

  /** Sends one request with a request id named after its case, so its entry can be found. */
  const send = async (name: string, body: string | Buffer, headers: Record<string, string>) => {
    const id = `case-${name}`;
    requestIds.set(name, id);
    bodies.set(name, typeof body === "string" ? body : body.toString("latin1"));
    return rawPost(server.baseUrl, body, { "x-request-id": id, "user-agent": `tester/${name}`, ...headers });
  };
  const entry = (name: string) => entries.find((e) => e.request_id === requestIds.get(name));

  beforeAll(async () => {
    server = await startServer({ nowSeconds: () => NOW, maxBodyBytes: 4096 });
    const stored = aMessage();
    expect((await rawPost(server.baseUrl, JSON.stringify(stored), signedJson(JSON.stringify(stored)))).status).toBe(200);
    const results = await Promise.all([
      send("unsigned", json, { "content-type": "application/json" }),
      send("wrong", json, { "content-type": "application/json", "x-signature": "0".repeat(64) }),
      send("github", json, { "content-type": "application/json", "x-signature": `sha256=${"ab".repeat(32)}` }),
      send("stale", json, {
        "webhook-id": "msg_1",
        "webhook-timestamp": String(NOW - 3600),
        "webhook-signature": `v1,${createHmac("sha256", SECRET).update(`msg_1.${NOW - 3600}.${json}`).digest("base64")}`,
      }),
      send("oversize", "x".repeat(5000), signedJson("x".repeat(5000))),
      send("text-plain", json, { ...signedJson(json), "content-type": "text/plain" }),
      send("not-json", "{oops", signedJson("{oops")),
      send("invalid", JSON.stringify({ ...message, to: "nope" }), signedJson(JSON.stringify({ ...message, to: "nope" }))),
      send("conflict", JSON.stringify({ ...stored, text: "other" }), signedJson(JSON.stringify({ ...stored, text: "other" }))),
      send("duplicate", JSON.stringify(stored), signedJson(JSON.stringify(stored))),
    ]);
    expect(results.map((r) => r.status)).toEqual([401, 401, 401, 401, 413, 415, 422, 422, 200, 200]);
    await server.storage.deliveries.flush();
    const res = await fetch(`${server.baseUrl}/deliveries?limit=100`);
    expect(res.status).toBe(200);
    entries = ((await res.json()) as { data: Entry[] }).data;
  });
  afterAll(() => server.close());

  it.each([
    ["unsigned", "invalid_signature", /^no signature/, "none"],
    ["wrong", "invalid_signature", /^X-Signature does not match/, "x-signature"],
    ["github", "invalid_signature", /"sha256=" prefix/, "x-signature"],
    ["stale", "stale_timestamp", /^webhook-timestamp is more than 300 s/, "standard"],
    ["oversize", "too_large", /4096 bytes/, "x-signature"],
    ["text-plain", "unsupported_media_type", /Content-Type must be application\/json/, "x-signature"],
    ["not-json", "validation_error", /^body is not valid JSON/, "x-signature"],
    ["invalid", "validation_error", /^to must be E\.164/, "x-signature"],
    ["conflict", "conflict", /content differs from the stored copy/, "x-signature"],
  ])("keeps the %s attempt as %s, with its reason and facts", (name, result, reason, scheme) => {
    const e = entry(name);
    expect(e, `no entry for ${name}`).toBeDefined();
    expect(e).toMatchObject({ result, signature_scheme: scheme, user_agent: `tester/${name}`, client_address: expect.stringMatching(/127\.0\.0\.1/) });
    expect(e!.reason).toMatch(reason);
    expect(Date.parse(e!.received_at)).not.toBeNaN();
    const body = bodies.get(name)!;
    expect(e!.body_bytes).toBe(Buffer.byteLength(body, "latin1"));
    // The body is hashed when it was read; an oversize one is refused unread.
    expect(e!.body_sha256).toBe(name === "oversize" ? null : sha256(Buffer.from(body, "latin1")));
  });

  it("names the message_id only where the signature held and the body parsed", () => {
    expect(entry("unsigned")!.message_id).toBeNull();
    expect(entry("stale")!.message_id).toBeNull();
    expect(entry("not-json")!.message_id).toBeNull();
    expect(entry("invalid")!.message_id).toBe(message.message_id);
    expect(entry("conflict")!.message_id).toEqual(expect.any(String));
  });

  it("keeps nothing for stored or duplicate messages", () => {
    expect(entry("duplicate")).toBeUndefined();
    expect(entries.filter((e) => ["created", "duplicate"].includes(e.result))).toEqual([]);
  });

  it("never keeps the body, a secret or a signature", () => {
    const all = JSON.stringify(entries);
    for (const leak of ["secret words", SECRET, "0".repeat(64), "ab".repeat(32), "v1,"]) expect(all).not.toContain(leak);
  });
});
