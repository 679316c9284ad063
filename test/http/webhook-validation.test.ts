// POST /webhook with a valid signature but a body that is not JSON or not a message: 422 naming the field.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { aMessage } from "../support/messages.js";
import { startServer, type TestServer } from "../support/server.js";
import {
  expectNoErrorsLogged,
  expectRefused,
  json,
  rawPost,
  type RawResponse,
  signedJson,
  viaClient,
} from "./webhook-support.js";

describe("POST /webhook validation", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());
  afterEach(() => expectNoErrorsLogged(server));

  /** Correctly signed, so only the body can be at fault. */
  const signed = (body: string | Buffer) => () => rawPost(server.baseUrl, body, signedJson(body));

  /** 422 in the spec's shape; every error names one of `paths` (any path when none are given). */
  async function expect422(send: () => Promise<RawResponse>, paths?: string[]): Promise<void> {
    const res = await expectRefused(server, send, 422);
    const errors: unknown[] = res.body.errors;
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error).toEqual({ path: expect.any(String), message: expect.any(String) });
      const { path, message } = error as { path: string; message: string };
      // Every message names its field and the rule: zod's bare defaults never reach a sender.
      expect(message.startsWith(`${path} `), message).toBe(true);
      expect(message).not.toMatch(/Required|Invalid input|Expected \w+, received/);
    }
    if (paths) expect(paths).toEqual(expect.arrayContaining(errors.map((e) => (e as { path: string }).path)));
  }

  describe("bodies that are not a JSON object", () => {
    it.each([
      ["malformed JSON", '{"message_id": "m1", oops'],
      ["a truncated object", json(aMessage()).slice(0, -1)],
      ["an empty body", ""],
      ["a JSON array", json([aMessage()])],
      ["a JSON number", "42"],
      ["JSON null", "null"],
      ["a JSON string", json(json(aMessage()))],
      ["deeply nested arrays", "[".repeat(30_000) + "]".repeat(30_000)],
    ])("answers 422 to %s", async (_name, body) => {
      await expect422(signed(body));
    });

    it("answers 422 to bytes that are not UTF-8", async () => {
      const [head, tail] = json(aMessage({ text: "@@" })).split("@@") as [string, string];
      const body = Buffer.concat([Buffer.from(head), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(tail)]);
      await expect422(signed(body));
    });
  });

  describe("fields the typed client can send", () => {
    const cases: [string, string, Record<string, unknown>][] = [
      ["message_id", "empty", { message_id: "" }],
      ["message_id", "257 characters", { message_id: "x".repeat(257) }],
      ["message_id", "holding NUL", { message_id: "a\u0000b" }],
      ["from", "without +", { from: "919876543210" }],
      ["from", "starting with 0", { from: "+0123456" }],
      ["from", "of 16 digits", { from: "+1234567890123456" }],
      ["from", "with spaces", { from: "+91 98765 43210" }],
      ["from_", "not E.164 beside a valid from", { from_: "12345" }],
      ["to", "not E.164", { to: "14155550100" }],
      ["to", "empty", { to: "" }],
      ["ts", "without Z", { ts: "2025-01-15T10:00:00" }],
      ["ts", "with an offset", { ts: "2025-01-15T10:00:00+00:00" }],
      ["ts", "a date only", { ts: "2025-01-15" }],
      ["ts", "an impossible date", { ts: "2025-02-30T10:00:00Z" }],
      ["ts", "hour 24", { ts: "2025-01-15T24:00:00Z" }],
      ["ts", "not a date", { ts: "yesterday" }],
      ["text", "4097 characters", { text: "a".repeat(4097) }],
      ["text", "holding NUL", { text: "a\u0000b" }],
      ["text", "holding a lone surrogate", { text: "a\ud800b" }],
    ];

    it.each(cases)("answers 422 naming %s when it is %s", async (field, _name, override) => {
      const body = { ...aMessage(), ...override } as ReturnType<typeof aMessage>;
      await expect422(() => viaClient(server.client.ingestMessage({ body })), [field]);
    });

    it("answers 422 when from and from_ differ", async () => {
      const body = { ...aMessage(), from_: "+14155550199" };
      await expect422(() => viaClient(server.client.ingestMessage({ body })), ["from", "from_"]);
    });
  });

  describe("fields only a raw request can send", () => {
    const without = (field: string) => {
      const m: Record<string, unknown> = { ...aMessage() };
      delete m[field];
      return m;
    };
    const cases: [string, string, Record<string, unknown>][] = [
      ["message_id", "missing", without("message_id")],
      ["message_id", "a number", { ...aMessage(), message_id: 123 }],
      ["from", "missing along with from_", without("from")],
      ["from", "null", { ...aMessage(), from: null }],
      ["to", "missing", without("to")],
      ["ts", "missing", without("ts")],
      ["ts", "a Unix time number", { ...aMessage(), ts: 1736935200 }],
      ["text", "a number", { ...aMessage(), text: 5 }],
      ["text", "an object", { ...aMessage(), text: { en: "Hello" } }],
    ];

    it.each(cases)("answers 422 naming %s when it is %s", async (field, _name, body) => {
      await expect422(signed(json(body)), [field]);
    });

    it.each([
      ["a missing field", without("to"), { path: "to", message: "to is required" }],
      ["a number for a string", { ...aMessage(), message_id: 123 }, { path: "message_id", message: "message_id must be a string, not a number" }],
      ["an array for the body", [aMessage()], { path: "body", message: "body must be an object, not an array" }],
      ["null for from", { ...aMessage(), from: null }, { path: "from", message: "from must be a string, not null" }],
    ])("words %s as the field and the rule", async (_name, body, error) => {
      const res = await expectRefused(server, signed(json(body)), 422);
      expect(res.body.errors).toEqual([error]);
    });
  });
});
