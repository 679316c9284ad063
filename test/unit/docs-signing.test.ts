// The /docs page's signing, run in Node: it must key, sign and refuse exactly as the server's contracts/signature.ts.
import { describe, expect, it } from "vitest";
import { signingInterceptor, signingKey as pageKey } from "../../src/adapters/http/docs-signing.js";
import { checkHex, checkStandard, signingKey as serverKey } from "../../src/contracts/signature.js";

const URL_ = "http://127.0.0.1:8000/webhook";
const BODY = '{\n  "message_id": "m1",\n  "text": "héllo 👋 世界"\n}';
const NOW = 1_736_935_200;

type Request = Parameters<ReturnType<typeof signingInterceptor>>[0];

const webhook = (headers: Record<string, string> = {}): Request => ({
  url: URL_,
  method: "POST",
  headers: { "Content-Type": "application/json", ...headers },
  body: BODY,
});
const sign = (secret: string | null, scheme: "x-signature" | "standard", req: Request = webhook()) =>
  signingInterceptor(() => ({ secret, scheme }), () => NOW)(req);
const bytes = (s: string) => Buffer.from(s, "utf8");

describe("the docs page's signing key", () => {
  it.each([
    "plain secret",
    "k€y",
    "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    "whsec_YWJjZA",
    "whsec_YWJjZA==",
    "whsec_YWI=",
    "whsec_",
    "whsec_YWJjZA=",
    "whsec_!!!!",
    "whsec_YW Jj",
    "whsec_Y",
  ])("%s: the same bytes as the server, or the same refusal", (secret) => {
    let server: Uint8Array | Error;
    try {
      server = serverKey(secret);
    } catch (error) {
      server = error as Error;
    }
    if (server instanceof Error) expect(() => pageKey(secret)).toThrow(server.message);
    else expect(Buffer.from(pageKey(secret))).toEqual(Buffer.from(server));
  });

  it("signs with the first entry of a pasted WEBHOOK_SECRET list, as the server accepts any", () => {
    expect(Buffer.from(pageKey(" , first ,second"))).toEqual(Buffer.from("first"));
  });
});

describe("the docs page's request interceptor", () => {
  it.each(["plain secret", "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="])(
    "%s: X-Signature over the exact body string, which the server accepts",
    async (secret) => {
      const req = await sign(secret, "x-signature");
      expect(req.body).toBe(BODY);
      expect(checkHex([serverKey(secret)], bytes(BODY), req.headers["X-Signature"])).toBe("valid");
      expect(Object.keys(req.headers).filter((h) => h.startsWith("webhook-"))).toEqual([]);
    },
  );

  it("Standard Webhooks: id, timestamp and signature the server accepts, and no X-Signature", async () => {
    const secret = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    const { headers } = await sign(secret, "standard");
    expect(headers["webhook-id"]).toMatch(/^msg_[0-9a-f]{24}$/);
    expect(headers["webhook-timestamp"]).toBe(String(NOW));
    const standard = { id: headers["webhook-id"], timestamp: headers["webhook-timestamp"], signature: headers["webhook-signature"] };
    expect(checkStandard([serverKey(secret)], bytes(BODY), standard, { nowSeconds: NOW, toleranceSeconds: 300 })).toBe("valid");
    expect(headers["X-Signature"]).toBeUndefined();
  });

  it("signs a typed webhook-id and webhook-timestamp as typed, so a stale one can be tried", async () => {
    const { headers } = await sign("s", "standard", webhook({ "webhook-id": "msg_mine", "webhook-timestamp": String(NOW - 3600) }));
    expect([headers["webhook-id"], headers["webhook-timestamp"]]).toEqual(["msg_mine", String(NOW - 3600)]);
    const standard = { id: "msg_mine", timestamp: String(NOW - 3600), signature: headers["webhook-signature"] };
    expect(checkStandard([serverKey("s")], bytes(BODY), standard, { nowSeconds: NOW, toleranceSeconds: 300 })).toBe("stale");
  });

  it("keeps a typed signature header instead of replacing it", async () => {
    expect((await sign("s", "x-signature", webhook({ "x-signature": "typed" }))).headers).toEqual({
      "Content-Type": "application/json",
      "x-signature": "typed",
    });
    expect((await sign("s", "standard", webhook({ "webhook-signature": "v1,typed" }))).headers["webhook-signature"]).toBe("v1,typed");
  });

  it("without a secret sends the webhook unsigned, and drops headers left empty", async () => {
    const req = await sign(null, "x-signature", webhook({ "x-signature": "", "webhook-id": "", "webhook-signature": "" }));
    expect(req.headers).toEqual({ "Content-Type": "application/json" });
  });

  it("leaves every other request alone", async () => {
    for (const req of <Request[]>[
      { url: "http://127.0.0.1:8000/messages?limit=50", method: "GET", headers: { "x-signature": "" } },
      { url: "http://127.0.0.1:8000/openapi.json", headers: { Accept: "application/json" } }, // how Swagger UI loads the document
      { url: "http://127.0.0.1:8000/webhook", method: "GET", headers: { "x-signature": "" } },
    ]) {
      const before = structuredClone(req);
      expect(await sign("s", "x-signature", req)).toEqual(before);
    }
  });
});
