// The zod contract in src/contracts/schemas.ts, parsed directly: WebhookBody and MessagesQuery.
import { describe, expect, it } from "vitest";
import { MessagesQuery } from "../../src/contracts/message-schemas.js";
import { WebhookBody } from "../../src/contracts/webhook-schemas.js";

const sample = { message_id: "m1", from: "+919876543210", to: "+14155550100", ts: "2025-01-15T10:00:00Z", text: "Hello" };
/** What validation hands on: the message, with the instant key of its ts worked out there. */
const received = { ...sample, tsKey: "2025-01-15T10:00:00" };

const issuePaths = (result: { success: boolean; error?: { issues: { path: (string | number)[] }[] } }) =>
  result.error?.issues.map((i) => i.path.join(".")) ?? [];

describe("WebhookBody", () => {
  it("accepts the sample as it is", () => {
    expect(WebhookBody.safeParse(sample)).toEqual({ success: true, data: received });
  });

  it("maps the from_ alias to from, and accepts both when equal", () => {
    const { from, ...rest } = sample;
    expect(WebhookBody.parse({ ...rest, from_: from })).toEqual(received);
    expect(WebhookBody.parse({ ...sample, from_: from })).toEqual(received);
  });

  it("refuses from and from_ that differ, at from_", () => {
    const result = WebhookBody.safeParse({ ...sample, from_: "+14155550199" });
    expect(result.success).toBe(false);
    expect(issuePaths(result)).toEqual(["from_"]);
  });

  it("requires a sender, reported at from", () => {
    const { from: _, ...rest } = sample;
    const result = WebhookBody.safeParse(rest);
    expect(result.success).toBe(false);
    expect(issuePaths(result)).toEqual(["from"]);
  });

  it("makes text optional, null when absent", () => {
    const { text: _, ...rest } = sample;
    expect(WebhookBody.parse(rest).text).toBeNull();
    expect(WebhookBody.parse({ ...sample, text: null }).text).toBeNull();
    expect(WebhookBody.parse({ ...sample, text: "" }).text).toBe("");
  });

  it("limits text to 4096 characters, counted as code points", () => {
    expect(WebhookBody.safeParse({ ...sample, text: "😀".repeat(4096) }).success).toBe(true);
    expect(WebhookBody.safeParse({ ...sample, text: "a".repeat(4096) }).success).toBe(true);
    const long = WebhookBody.safeParse({ ...sample, text: "a".repeat(4097) });
    expect(issuePaths(long)).toEqual(["text"]);
    expect(issuePaths(WebhookBody.safeParse({ ...sample, text: "😀".repeat(4097) }))).toEqual(["text"]);
  });

  it("limits message_id to 1..256 characters", () => {
    expect(issuePaths(WebhookBody.safeParse({ ...sample, message_id: "" }))).toEqual(["message_id"]);
    expect(WebhookBody.safeParse({ ...sample, message_id: "x".repeat(256) }).success).toBe(true);
    expect(issuePaths(WebhookBody.safeParse({ ...sample, message_id: "x".repeat(257) }))).toEqual(["message_id"]);
  });

  it("refuses text a database cannot give back unchanged", () => {
    expect(issuePaths(WebhookBody.safeParse({ ...sample, text: "a\u0000b" }))).toEqual(["text"]);
    expect(issuePaths(WebhookBody.safeParse({ ...sample, text: "a\uD800b" }))).toEqual(["text"]);
    expect(issuePaths(WebhookBody.safeParse({ ...sample, message_id: "m\u0000" }))).toEqual(["message_id"]);
  });

  it("drops unknown fields", () => {
    expect(WebhookBody.parse({ ...sample, extra: 1, nested: { a: 1 } })).toEqual(received);
  });

  it("hands on ts as sent, and its instant key, parsed once", () => {
    expect(WebhookBody.parse({ ...sample, ts: "2025-01-15T10:00:00.500Z" })).toMatchObject({ ts: "2025-01-15T10:00:00.500Z", tsKey: "2025-01-15T10:00:00.5" });
  });

  it.each([
    ["message_id", 1],
    ["to", 14155550100],
    ["to", "14155550100"],
    ["from", "+0919876543210"],
    ["ts", 1736935200],
    ["ts", "2025-01-15T10:00:00+00:00"],
    ["ts", "2023-02-29T10:00:00Z"],
    ["text", 42],
  ])("refuses %s = %j", (field, value) => {
    expect(issuePaths(WebhookBody.safeParse({ ...sample, [field]: value }))).toEqual([field]);
  });

  it.each([null, [], "text", 5])("refuses a body that is %j", (body) => {
    expect(WebhookBody.safeParse(body).success).toBe(false);
  });
});

describe("MessagesQuery", () => {
  it("defaults limit to 50, offset to 0 and order to asc", () => {
    expect(MessagesQuery.parse({})).toEqual({ limit: 50, offset: 0, order: "asc" });
  });

  it("reads integers from query strings", () => {
    expect(MessagesQuery.parse({ limit: "10", offset: "20" })).toMatchObject({ limit: 10, offset: 20 });
    expect(MessagesQuery.parse({ limit: "1", offset: "0" })).toMatchObject({ limit: 1, offset: 0 });
    expect(MessagesQuery.parse({ limit: "100" }).limit).toBe(100);
  });

  it.each(["0", "101", "abc", "1.5", "1e1", "-1", " 5", "", "0x10", "+5"])("refuses limit %j", (limit) => {
    expect(issuePaths(MessagesQuery.safeParse({ limit }))).toEqual(["limit"]);
  });

  it.each(["-1", "abc", "1.5"])("refuses offset %j", (offset) => {
    expect(issuePaths(MessagesQuery.safeParse({ offset }))).toEqual(["offset"]);
  });

  it("puts back a '+' that arrived as a space in from", () => {
    expect(MessagesQuery.parse({ from: " 919876543210" }).from).toBe("+919876543210");
    expect(MessagesQuery.parse({ from: "+919876543210" }).from).toBe("+919876543210");
  });

  it.each(["abc", "919876543210", "+0123", ""])("refuses from %j", (from) => {
    expect(issuePaths(MessagesQuery.safeParse({ from }))).toEqual(["from"]);
  });

  it("accepts since with Z or an offset, putting back a '+' that arrived as a space, and hands on its instant key", () => {
    expect(MessagesQuery.parse({ since: "2025-01-15T10:00:00 05:30" }).since).toBe("2025-01-15T04:30:00");
    expect(MessagesQuery.parse({ since: "2025-01-15T10:00:00-08:00" }).since).toBe("2025-01-15T18:00:00");
    expect(MessagesQuery.parse({ since: "2025-01-15T10:00:00Z" }).since).toBe("2025-01-15T10:00:00");
  });

  it.each(["yesterday", "2025-01-15", "2025-02-30T10:00:00Z", "1736935200"])("refuses since %j", (since) => {
    expect(issuePaths(MessagesQuery.safeParse({ since }))).toEqual(["since"]);
  });

  it("takes q as any string, kept as given", () => {
    for (const q of ["", "hello", "100%_done", " spaced ", "😀"]) {
      expect(MessagesQuery.parse({ q }).q).toBe(q);
    }
  });
});
