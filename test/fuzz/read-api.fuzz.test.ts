// GET /messages under arbitrary query strings: 200 with exactly the right page when every parameter is valid, 422 when one is not, never a 5xx.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MessagePage } from "../../src/contracts/message-schemas.js";
import type { Message } from "../../src/domain/message.js";
import { startServer, type TestServer } from "../support/server.js";
import { KNOWN, decodeComponent, encode, encoding, fold, instant, param, splice, type Param, type Verdict } from "./query-arbitraries.js";
import { TIMEOUT_MS, expectErrorBody, expectNoLeak, expectNothingLogged, fuzz, parseJson, rarely, send } from "./support.js";
import { keyed } from "../support/messages.js";

const [A, B, C] = ["+919876543210", "+14155550100", "+447700900123"];
const msg = (message_id: string, from: string, ts: string, text: string | null): Message => ({ message_id, from, to: "+14155550199", ts, text });
// Ties, fractions that sort as instants, text with %, _, case and non-ASCII letters, null and empty text.
const SEEDS: Message[] = [
  msg("m01", A!, "2025-01-15T10:00:00Z", "Hello"),
  msg("m02", A!, "2025-01-15T10:00:00.5Z", "hello world"),
  msg("m03", B!, "2025-01-15T10:00:00.25Z", "HÉLLO again"),
  msg("m00", B!, "2025-01-15T10:00:00.50Z", "100% sure"),
  msg("m04", C!, "2025-01-15T10:00:00Z", "a_b and a%b"),
  msg("m05", C!, "2024-02-29T23:59:59.999999999Z", null),
  msg("m06", A!, "1999-12-31T23:59:59Z", "Ünïcödé ΣΑΣ σας"),
  msg("m07", B!, "2030-06-01T00:00:00Z", "emoji 😀 ok"),
  msg("m08", A!, "2025-01-15T15:30:00Z", ""),
  msg("m09", C!, "0001-01-01T00:00:00Z", "the beginning"),
  msg("m10", B!, "9999-12-31T23:59:59.999999999Z", "the end"),
  msg("m11", A!, "2025-01-15T09:59:59.999Z", "call +91 98765"),
];
const byInstantThenId = (a: Message, b: Message) => {
  const [ia, ib] = [instant(a.ts)!, instant(b.ts)!];
  return ia !== ib ? (ia < ib ? -1 : 1) : a.message_id < b.message_id ? -1 : a.message_id > b.message_id ? 1 : 0;
};
const ORDERED = [...SEEDS].sort(byInstantThenId);

interface Wire {
  param: Param;
  key: string;
  value: string;
  bare: boolean;
}
const wire = fc
  .record({ param: param(SEEDS, [A!, B!, C!]), keyHow: encoding, valueHow: encoding, junkKey: rarely(splice, 15), junkValue: rarely(splice, 10), bare: fc.boolean() })
  .map(({ param: p, keyHow, valueHow, junkKey, junkValue, bare }): Wire => {
    const key = encode(p.key, keyHow, false);
    const encoded = encode(p.value, valueHow, p.key === "from" || p.key === "since");
    const value = junkValue ? junkValue(encoded) : encoded;
    return { param: p, key: junkKey ? junkKey(key) : key, value, bare: bare && value === "" };
  });
const toQuery = (ws: Wire[]) => ws.map((w) => (w.bare ? w.key : `${w.key}=${w.value}`)).join("&");

/** The answer the spec requires: 422 when a parameter is malformed, repeated or out of range; the exact page when all are valid. */
function expected(ws: Wire[]): { status: 422 } | { status: 200 | "either"; params: Map<string, string> } {
  const params = new Map<string, string>();
  const verdicts = new Set<Verdict>();
  for (const w of ws) {
    const key = decodeComponent(w.key);
    const value = decodeComponent(w.value);
    if (key === null || value === null) return { status: 422 };
    if (!KNOWN.includes(key)) continue;
    if (params.has(key)) return { status: 422 };
    // '+' in `from` and in the offset of `since` arrives as a space and is put back (README).
    const meant = value === w.param.value || (value === w.param.value.replaceAll("+", " ") && (key === "from" || key === "since"));
    params.set(key, meant ? w.param.value : value);
    verdicts.add(meant && key === w.param.key ? w.param.verdict : "either");
  }
  if (verdicts.has("invalid")) return { status: 422 };
  return { status: verdicts.has("either") ? "either" : 200, params };
}

function page(params: Map<string, string>) {
  const from = params.get("from");
  const since = params.has("since") ? instant(params.get("since")!)! : undefined;
  const q = params.get("q") || undefined;
  const matching = ORDERED.filter(
    (m) => (from === undefined || m.from === from) && (since === undefined || instant(m.ts)! >= since) && (q === undefined || (m.text !== null && fold(m.text).includes(fold(q)))),
  );
  const [limit, offset] = [Number(params.get("limit") ?? 50), Number(params.get("offset") ?? 0)];
  return { data: matching.slice(offset, offset + limit), total: matching.length, limit, offset };
}

describe("GET /messages, fuzzed", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
    for (const m of SEEDS) await server.storage.messages.insertIfAbsent(keyed(m));
  });
  afterAll(() => server?.close());

  it(
    "answers any query string with the right page or a 422, never anything else",
    () =>
      fuzz(
        fc.asyncProperty(fc.array(wire, { maxLength: 5 }), fc.boolean(), async (ws, doubleAmp) => {
          const query = toQuery(ws).replace(/&/g, doubleAmp ? "&&" : "&");
          const reply = await send(`${server.baseUrl}/messages?${query}`, { method: "GET" });
          expectNoLeak(reply);
          expectNothingLogged(server);
          const want = expected(ws);
          // Node refuses a request line beyond its 16 KiB header limit before any route sees it.
          if (reply.status === 431 && query.length > 8_000) return expectErrorBody(reply);
          if (want.status === 422 || reply.status !== 200) {
            expect(reply.status, `?${query.slice(0, 500)} → ${reply.text.slice(0, 300)}`).toBe(want.status === 200 ? 200 : 422);
            expectErrorBody(reply);
            return;
          }
          expect(want.status, `?${query.slice(0, 500)} must be refused`).not.toBe(422);
          const body = MessagePage.strict().parse(parseJson(reply.text));
          if (want.status === 200) {
            expect(body, `?${query.slice(0, 500)}`).toEqual(page(want.params));
            return;
          }
          expect(body.limit).toBeGreaterThanOrEqual(1);
          expect(body.limit).toBeLessThanOrEqual(100);
          expect(body.offset).toBeGreaterThanOrEqual(0);
          expect(body.data.length).toBeLessThanOrEqual(body.limit);
          expect(body.total).toBeLessThanOrEqual(SEEDS.length);
          for (const m of body.data) expect(SEEDS).toContainEqual(m);
          expect([...body.data].sort(byInstantThenId)).toEqual(body.data);
        }),
      ),
    TIMEOUT_MS,
  );

  it("logged no server-side error throughout", () => {
    expectNothingLogged(server);
  });
});
