// Webhook signatures in src/contracts/signature.ts, checked against node:crypto directly.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  checkHex,
  checkStandard,
  signHex,
  signStandard,
  signingKey,
  signingKeys,
  verifyHex,
  verifyStandard,
} from "../../src/contracts/signature.js";

const body = Buffer.from('{"message_id":"m1","text":"héllo 😀"}', "utf8");
const hmacHex = (key: string | Buffer, data: string | Buffer) => createHmac("sha256", key).update(data).digest("hex");

describe("signHex / verifyHex", () => {
  it("matches the published HMAC-SHA256 vector", () => {
    const message = Buffer.from("The quick brown fox jumps over the lazy dog");
    expect(signHex(signingKey("key"), message)).toBe(
      "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
    );
  });

  it("signs the raw bytes with the secret's UTF-8 bytes", () => {
    expect(signHex(signingKey("sécret"), body)).toBe(hmacHex(Buffer.from("sécret", "utf8"), body));
  });

  it("accepts lowercase and uppercase hex, and blanks around it", () => {
    const keys = signingKeys("s3cret");
    const hex = hmacHex("s3cret", body);
    expect(verifyHex(keys, body, hex)).toBe(true);
    expect(verifyHex(keys, body, hex.toUpperCase())).toBe(true);
    expect(verifyHex(keys, body, ` ${hex} `)).toBe(true);
  });

  it("rejects malformed headers", () => {
    const keys = signingKeys("s3cret");
    const hex = hmacHex("s3cret", body);
    for (const header of [undefined, "", hex.slice(0, 62), `${hex}00`, `${hex.slice(0, 63)}g`, `sha256=${hex}`]) {
      expect(verifyHex(keys, body, header), String(header)).toBe(false);
    }
  });

  it("rejects a signature of other bytes or another secret", () => {
    const keys = signingKeys("s3cret");
    const other = Buffer.from(body);
    other[0] = 0x20;
    expect(verifyHex(keys, body, hmacHex("s3cret", other))).toBe(false);
    expect(verifyHex(keys, body, hmacHex("s3cret2", body))).toBe(false);
    expect(verifyHex([], body, hmacHex("s3cret", body))).toBe(false);
  });
});

describe("secrets", () => {
  it("accepts a signature by any secret in a rotation list", () => {
    const keys = signingKeys("a, b");
    expect(keys.map((k) => Buffer.from(k).toString("utf8"))).toEqual(["a", "b"]);
    expect(verifyHex(keys, body, hmacHex("a", body))).toBe(true);
    expect(verifyHex(keys, body, hmacHex("b", body))).toBe(true);
    expect(verifyHex(keys, body, hmacHex("c", body))).toBe(false);
    expect(verifyHex(keys, body, hmacHex("a, b", body))).toBe(false);
  });

  it("ignores empty entries", () => {
    expect(signingKeys(" , a ,, ")).toHaveLength(1);
    expect(signingKeys("   ")).toEqual([]);
  });

  it("keys a whsec_ secret with its base64-decoded bytes", () => {
    const b64 = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255]).toString("base64");
    const keys = signingKeys(`whsec_${b64}`);
    expect(verifyHex(keys, body, hmacHex(Buffer.from(b64, "base64"), body))).toBe(true);
    expect(verifyHex(keys, body, hmacHex(`whsec_${b64}`, body))).toBe(false);
  });

  it.each(["whsec_", "whsec_!!!", "whsec_a", "whsec_abc=d"])("refuses %j", (secret) => {
    expect(() => signingKey(secret)).toThrow(/base64/);
    expect(() => signingKeys(`ok,${secret}`)).toThrow();
  });
});

describe("verifyStandard", () => {
  const secret = "whsec_" + Buffer.from("standard-webhooks-key").toString("base64");
  const keys = signingKeys(secret);
  const now = 1_736_935_200;
  const options = { nowSeconds: now, toleranceSeconds: 300 };
  const v1 = (id: string, ts: number | string, key = Buffer.from("standard-webhooks-key")) =>
    `v1,${createHmac("sha256", key).update(`${id}.${ts}.`).update(body).digest("base64")}`;

  it("accepts a v1 entry over id.timestamp.body", () => {
    const headers = { id: "msg_1", timestamp: String(now), signature: v1("msg_1", now) };
    expect(verifyStandard(keys, body, headers, options)).toBe("valid");
  });

  it("accepts when one of several space-separated entries matches", () => {
    const signature = `v1,${Buffer.alloc(32).toString("base64")} v2,abcd ${v1("msg_1", now)}`;
    expect(verifyStandard(keys, body, { id: "msg_1", timestamp: String(now), signature }, options)).toBe("valid");
  });

  it("rejects a signature over another id, timestamp or key", () => {
    const timestamp = String(now);
    expect(verifyStandard(keys, body, { id: "msg_1", timestamp, signature: v1("msg_2", now) }, options)).toBe("invalid");
    expect(verifyStandard(keys, body, { id: "msg_1", timestamp, signature: v1("msg_1", now - 1) }, options)).toBe("invalid");
    const wrongKey = v1("msg_1", now, Buffer.from("other"));
    expect(verifyStandard(keys, body, { id: "msg_1", timestamp, signature: wrongKey }, options)).toBe("invalid");
  });

  it("calls a timestamp beyond the tolerance, past or future, stale", () => {
    for (const ts of [now - 301, now + 301]) {
      const headers = { id: "msg_1", timestamp: String(ts), signature: v1("msg_1", ts) };
      expect(verifyStandard(keys, body, headers, options), String(ts - now)).toBe("stale");
    }
    for (const ts of [now - 300, now + 300]) {
      const headers = { id: "msg_1", timestamp: String(ts), signature: v1("msg_1", ts) };
      expect(verifyStandard(keys, body, headers, options), String(ts - now)).toBe("valid");
    }
  });

  it("rejects missing headers and non-numeric timestamps", () => {
    const full = { id: "msg_1", timestamp: String(now), signature: v1("msg_1", now) };
    for (const missing of ["id", "timestamp", "signature"] as const) {
      expect(verifyStandard(keys, body, { ...full, [missing]: undefined }, options), missing).toBe("invalid");
    }
    for (const timestamp of ["abc", `${now}.0`, `-${now}`, "1e9", ""]) {
      const headers = { id: "msg_1", timestamp, signature: v1("msg_1", timestamp) };
      expect(verifyStandard(keys, body, headers, options), timestamp).toBe("invalid");
    }
  });

  it("verifies what signStandard produces", () => {
    const [key] = keys;
    const signature = signStandard(key!, "msg_9", now, body);
    expect(signature).toBe(v1("msg_9", now));
    expect(verifyStandard(keys, body, { id: "msg_9", timestamp: String(now), signature }, options)).toBe("valid");
  });
});

describe("checkHex and checkStandard say why", () => {
  const keys = signingKeys("s3cret");
  const good = createHmac("sha256", "s3cret").update(body).digest("hex");
  const options = { nowSeconds: 1_000_000, toleranceSeconds: 300 };
  const v1 = (ts: number | string) => `v1,${createHmac("sha256", "s3cret").update(`id.${ts}.`).update(body).digest("base64")}`;

  it.each([
    [undefined, "absent"],
    ["", "malformed"],
    ["xyz", "malformed"],
    [good.slice(2), "malformed"],
    [`sha256=${good}`, "prefixed"],
    [`SHA256=${good}`, "prefixed"],
    ["0".repeat(64), "mismatch"],
    [good, "valid"],
  ] as const)("X-Signature %j is %s", (header, verdict) => {
    expect(checkHex(keys, body, header)).toBe(verdict);
  });

  it.each([
    [{ id: "id", timestamp: "1000000", signature: undefined }, "incomplete"],
    [{ id: undefined, timestamp: "1000000", signature: v1(1_000_000) }, "incomplete"],
    [{ id: "id", timestamp: "soon", signature: v1("soon") }, "bad_timestamp"],
    [{ id: "id", timestamp: "1000000", signature: "v2,abc v1,!!" }, "no_entry"],
    [{ id: "id", timestamp: "999000", signature: v1(999_000) }, "stale"],
    [{ id: "id", timestamp: "1000000", signature: v1(999_999) }, "mismatch"],
    [{ id: "id", timestamp: "1000000", signature: v1(1_000_000) }, "valid"],
  ] as const)("Standard Webhooks %j is %s", (headers, verdict) => {
    expect(checkStandard(keys, body, headers, options)).toBe(verdict);
  });
});
