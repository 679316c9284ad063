// GET /messages/export: NDJSON and RFC 4180 CSV, the list's filters and order, many batches, and 422 for bad values.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Message } from "../../src/domain/message.js";
import { parseCsv } from "../support/csv.js";
import { aMessage, keyed } from "../support/messages.js";
import { startServer, type TestServer } from "../support/server.js";

const TRICKY = ["a, b", 'say "hi"', "line\r\nbreak", "lf\nonly", "cr\ronly", '","', " padded ", "", "ünïcødé 😀", "plain", null];
const BULK = 2345; // more than two batches of 1000

describe("GET /messages/export", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer();
    const tricky = TRICKY.map((text, i) =>
      aMessage({ message_id: `t,${i}"`, to: i % 2 ? "+14155550100" : "+447700900002", ts: `2025-02-0${1 + (i % 3)}T10:00:00Z`, text }),
    );
    const bulk = Array.from({ length: BULK }, (_, i) =>
      aMessage({ message_id: `b-${String(i).padStart(5, "0")}`, ts: `2025-01-${String(1 + (i % 28)).padStart(2, "0")}T0${i % 10}:00:00.${i % 7}Z` }),
    );
    const all = [...tricky, ...bulk];
    for (let i = 0; i < all.length; i += 200) {
      await Promise.all(all.slice(i, i + 200).map((m) => server.storage.messages.insertIfAbsent(keyed(m))));
    }
  });
  afterAll(() => server.close());

  const exported = async (query: string) => {
    const res = await fetch(`${server.baseUrl}/messages/export?${query}`);
    return { status: res.status, headers: res.headers, text: await res.text() };
  };

  /** Every message the list API answers for these filters, by cursor. */
  async function listed(query: string): Promise<Message[]> {
    const seen: Message[] = [];
    let cursor = "";
    for (;;) {
      const res = await fetch(`${server.baseUrl}/messages?${query}&limit=100&cursor=${encodeURIComponent(cursor)}`);
      const body = (await res.json()) as { data: Message[]; next_cursor: string | null };
      seen.push(...body.data);
      if (body.next_cursor === null) return seen;
      cursor = body.next_cursor;
    }
  }

  it("CSV: headers, CRLF records, and text with commas, quotes and line breaks read back equal to the list API", async () => {
    const res = await exported("format=csv&since=2025-02-01T00:00:00Z");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="messages.csv"');
    const [header, ...rows] = parseCsv(res.text);
    expect(header).toEqual(["message_id", "from", "to", "ts", "text"]);
    const expected = await listed("since=2025-02-01T00:00:00Z");
    expect(expected).toHaveLength(TRICKY.length);
    expect(rows).toEqual(expected.map((m) => [m.message_id, m.from, m.to, m.ts, m.text ?? ""]));
    expect(res.text).toContain('"say ""hi"""');
    expect(res.text).toContain('"line\r\nbreak"');
  });

  it("NDJSON (the default): one message per line, equal to the list API across every batch, desc too", async () => {
    for (const order of ["asc", "desc"]) {
      const res = await exported(`order=${order}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/x-ndjson");
      expect(res.headers.get("content-disposition")).toBe('attachment; filename="messages.ndjson"');
      expect(res.text.endsWith("\n")).toBe(true);
      const lines = res.text.slice(0, -1).split("\n").map((line) => JSON.parse(line) as Message);
      expect(lines).toHaveLength(BULK + TRICKY.length);
      expect(lines).toEqual(await listed(`order=${order}`));
    }
  });

  it.each([
    "to=%2B14155550100",
    "from=%2B919876543210&since=2025-01-10T00:00:00Z&until=2025-01-20T03:00:00Z",
    "q=LINE&order=desc",
    "until=2025-01-02T05:00:00.5Z&order=desc",
  ])("takes the list's filters: %s", async (query) => {
    const res = await exported(`${query}&format=csv`);
    const rows = parseCsv(res.text).slice(1);
    const expected = await listed(query);
    expect(rows.map((r) => r[0])).toEqual(expected.map((m) => m.message_id));
  });

  it("answers a header alone, or nothing, when nothing matches", async () => {
    expect((await exported("format=csv&from=%2B1")).text).toBe("message_id,from,to,ts,text\r\n");
    expect(await exported("from=%2B1")).toMatchObject({ status: 200, text: "" });
  });

  it.each([
    ["format", "format=xml", "format must be ndjson or csv"],
    ["format", "format=ndjson&format=csv", "format is repeated: give it once"],
    ["order", "order=newest", "order must be asc or desc"],
    ["to", "to=abc", "to must be E.164: '+' then 1 to 15 digits, the first not 0"],
    ["until", "until=2025-01-15", "until must be an ISO-8601 date-time with Z or a UTC offset"],
    ["q", `q=${"a".repeat(4097)}`, "q must be at most 4096 characters"],
  ])("422 naming %s for ?%s", async (path, query, message) => {
    const res = await exported(query);
    expect(res.status).toBe(422);
    expect(JSON.parse(res.text)).toEqual({ detail: "validation failed", errors: [{ path, message }] });
  });

  it("answers HEAD with the headers alone", async () => {
    const res = await fetch(`${server.baseUrl}/messages/export?format=csv`, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="messages.csv"');
    expect(await res.text()).toBe("");
  });

  it("left no error in the log", () => {
    expect(server.loggedErrors).toEqual([]);
  });
});

describe("GET /messages/export behind a read token", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ readTokens: "s3cret" });
  });
  afterAll(() => server.close());

  it("answers 401 without the token and 200 with it", async () => {
    expect((await fetch(`${server.baseUrl}/messages/export`)).status).toBe(401);
    const ok = await fetch(`${server.baseUrl}/messages/export?format=csv`, { headers: { authorization: "Bearer s3cret" } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("message_id,from,to,ts,text\r\n");
  });
});
