// GET /deliveries: malformed parameters answer 422 naming the parameter and the rule; the read token comes first.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../src/contracts/client.js";
import { encodeCursor } from "../../src/contracts/cursor.js";
import { startServer, type TestServer } from "../support/server.js";

interface ValidationError {
  detail: string;
  errors: { path: string; message: string }[];
}

const get = async (server: TestServer, query: string, authorization?: string) => {
  const res = await fetch(`${server.baseUrl}/deliveries?${query}`, { headers: authorization ? { authorization } : {} });
  return { status: res.status, body: (await res.json()) as ValidationError };
};

const b64 = (text: string) => Buffer.from(text).toString("base64url");

describe("GET /deliveries validation", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it.each([
    ["result", "result=nope", "result must be one of created, duplicate, conflict, invalid_signature, stale_timestamp, too_large, unsupported_media_type, validation_error, not_configured, unavailable, bad_request"],
    ["result", "result=", undefined],
    ["result", "result=Invalid_Signature", undefined],
    ["since", "since=yesterday", "since must be an ISO-8601 date-time with Z or a UTC offset"],
    ["since", "since=2025-01-15", undefined],
    ["since", "since=2025-02-30T00:00:00Z", undefined],
    ["since", "since=", undefined],
    ["message_id", "message_id=", "message_id must not be empty"],
    ["message_id", "message_id=a%00b", "message_id must be well-formed Unicode without NUL characters"],
    ["message_id", `message_id=${"x".repeat(257)}`, "message_id must be at most 256 characters"],
    ["limit", "limit=0", "limit must be an integer from 1 to 100"],
    ["limit", "limit=101", undefined],
    ["limit", "limit=1e1", undefined],
    ["cursor", "cursor=not-a-cursor!", "cursor is not a cursor this service issued"],
    ["cursor", `cursor=${b64("d0")}`, undefined],
    ["cursor", `cursor=${b64("d9223372036854775808")}`, undefined],
    ["cursor", `cursor=${b64("d12x")}`, undefined],
    ["cursor", `cursor=${encodeCursor({ key: "2025-01-15T10:00:00", messageId: "m1", order: "asc" })}`, undefined],
  ])("422 naming %s for ?%s", async (param, query, message) => {
    const { status, body } = await get(server, query);
    expect(status).toBe(422);
    expect(body.detail).toBe("validation failed");
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]!.path).toBe(param);
    if (message) expect(body.errors[0]!.message).toBe(message);
    expect(body.errors[0]!.message.startsWith(`${param} `)).toBe(true);
    expect(body.errors[0]!.message).not.toMatch(/Required|Invalid (input|enum)|Expected /);
  });

  it.each(["result", "since", "message_id", "limit", "cursor"])("answers a repeated %s with 422 naming it", async (param) => {
    const value = { result: "conflict", since: "2025-01-01T00:00:00Z", message_id: "m1", limit: "5", cursor: "" }[param];
    const { status, body } = await get(server, `${param}=${value}&${param}=${value}`);
    expect(status).toBe(422);
    expect(body.errors).toEqual([{ path: param, message: `${param} is repeated: give it once` }]);
  });

  it("names every bad parameter, one entry each", async () => {
    const { body } = await get(server, "result=x&limit=0&since=y");
    expect(body.errors.map((e) => e.path).sort()).toEqual(["limit", "result", "since"]);
  });

  it("accepts the largest id a cursor may name, and edge values", async () => {
    for (const query of [`cursor=${b64("d9223372036854775807")}`, "limit=1", "limit=100", "cursor=", `message_id=${"x".repeat(256)}`]) {
      expect((await get(server, query)).status, query).toBe(200);
    }
  });
});

describe("GET /deliveries with READ_API_TOKEN set", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ readTokens: "reader" });
  });
  afterAll(() => server.close());

  it("answers 401 before looking at the parameters, and 200 or 422 with the token", async () => {
    expect((await get(server, "limit=5")).status).toBe(401);
    expect((await get(server, "limit=0")).status).toBe(401);
    expect((await get(server, "limit=5", "Bearer reader")).status).toBe(200);
    expect((await get(server, "limit=0", "Bearer reader")).status).toBe(422);
  });

  it("gives the typed client a declared 401 without the token", async () => {
    const anonymous = await createClient({ baseUrl: server.baseUrl, validateResponse: true }).listDeliveries({ query: {} });
    expect(anonymous.status).toBe(401);
    expect((await server.client.listDeliveries({ query: {} })).status).toBe(200);
  });
});
