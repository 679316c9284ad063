// GET /messages: malformed or out-of-range parameters answer 422 naming the parameter; edge values are accepted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aMessage, keyed } from "../support/messages.js";
import { startServer, type TestServer } from "../support/server.js";

interface ValidationError {
  detail: string;
  errors: { path: string; message: string }[];
}

describe("GET /messages validation", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer();
    await server.storage.messages.insertIfAbsent(keyed(aMessage({ message_id: "v1" })));
  });
  afterAll(() => server.close());

  async function get(query: string) {
    const res = await fetch(`${server.baseUrl}/messages?${query}`);
    return { status: res.status, type: res.headers.get("content-type"), body: (await res.json()) as unknown };
  }

  it.each([
    ["limit", "limit=0"],
    ["limit", "limit=101"],
    ["limit", "limit=-1"],
    ["limit", "limit=abc"],
    ["limit", "limit=1.5"],
    ["limit", "limit=1e1"],
    ["limit", "limit="],
    ["limit", "limit=%205"],
    ["limit", "limit=0x10"],
    ["limit", "limit=1&limit=2"],
    ["offset", "offset=-1"],
    ["offset", "offset=abc"],
    ["offset", "offset=1.0"],
    ["offset", "offset=99999999999999999999"],
    ["since", "since=yesterday"],
    ["since", "since=2025-13-01T00:00:00Z"],
    ["since", "since=2025-02-30T00:00:00Z"],
    ["since", "since=2025-01-15T24:00:00Z"],
    ["since", "since=2025-01-15"],
    ["since", "since=2025-01-15T10:00:00"],
    ["since", "since="],
    ["from", "from=abc"],
    ["from", "from=919876543210"],
    ["from", "from=%2B0123"],
    ["from", "from=%2B1234567890123456"],
    ["from", "from="],
    ["q", `q=${"a".repeat(4097)}`],
    ["to", "to=abc"],
    ["to", "to=%2B0123"],
    ["to", "to="],
    ["until", "until=tomorrow"],
    ["until", "until=2025-01-15"],
    ["until", "until=2025-02-30T00:00:00Z"],
    ["until", "until="],
    ["order", "order=DESC"],
    ["order", "order=newest"],
    ["order", "order="],
    ["cursor", "order=desc&cursor=WyIyMDI1LTAxLTE1VDEwOjAwOjAwIiwibTEiXQ"],
  ])("422 naming %s for ?%s", async (param, query) => {
    const res = await get(query);
    expect(res.status).toBe(422);
    expect(res.type).toMatch(/^application\/json/);
    const body = res.body as ValidationError;
    expect(typeof body.detail).toBe("string");
    expect(body.errors.length).toBeGreaterThan(0);
    for (const error of body.errors) {
      expect(error.path).toBe(param);
      // Names the field and the rule; zod's bare defaults never reach a user.
      expect(error.message.startsWith(`${param} `), error.message).toBe(true);
      expect(error.message).not.toMatch(/Required|Invalid input|Expected \w+, received/);
    }
  });

  it.each(["limit", "offset", "from", "to", "since", "until", "q", "order", "cursor"])("answers a repeated %s with 422 naming it", async (param) => {
    const value = {
      limit: "5",
      offset: "1",
      from: "%2B919876543210",
      to: "%2B14155550100",
      since: "2025-01-01T00:00:00Z",
      until: "2025-01-01T00:00:00Z",
      q: "a",
      order: "desc",
      cursor: "",
    }[param];
    const res = await get(`${param}=${value}&${param}=${value}`);
    expect(res.status).toBe(422);
    expect((res.body as ValidationError).errors).toEqual([{ path: param, message: `${param} is repeated: give it once` }]);
  });

  it("says offset must be a non-negative integer, not a range up to 2^53", async () => {
    const res = await get("offset=-1");
    expect((res.body as ValidationError).errors).toEqual([{ path: "offset", message: "offset must be a non-negative integer" }]);
  });

  it("says order's values", async () => {
    const res = await get("order=up");
    expect((res.body as ValidationError).errors).toEqual([{ path: "order", message: "order must be asc or desc" }]);
  });

  it("says limit's range", async () => {
    const res = await get("limit=0");
    expect((res.body as ValidationError).errors).toEqual([{ path: "limit", message: "limit must be an integer from 1 to 100" }]);
  });

  it("names every bad parameter when several are wrong", async () => {
    const res = await get("limit=0&offset=-1&since=nope&from=abc");
    expect(res.status).toBe(422);
    const paths = (res.body as ValidationError).errors.map((e) => e.path).sort();
    expect(paths).toEqual(["from", "limit", "offset", "since"]);
  });

  it("answers 422 through the typed client, which declares it", async () => {
    const res = await server.client.listMessages({ query: { limit: 0 } });
    expect(res.status).toBe(422);
    if (res.status === 422) expect(res.body.errors.map((e) => e.path)).toEqual(["limit"]);
  });

  it.each([
    ["limit=1", 1, 0],
    ["limit=100", 100, 0],
    ["limit=007", 7, 0],
    ["offset=0", 50, 0],
    ["offset=5", 50, 5],
    ["limit=100&offset=9007199254740991", 100, Number.MAX_SAFE_INTEGER],
  ])("accepts ?%s and echoes it as numbers", async (query, limit, offset) => {
    const res = await get(query);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ limit, offset, total: 1 });
  });

  it("ignores unknown parameters", async () => {
    const res = await get("colour=blue&limit=5");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ limit: 5, offset: 0, total: 1 });
  });
});
