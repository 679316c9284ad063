// Standard Webhooks v1a (Ed25519) in src/contracts/signature.ts: whpk_/whsk_ keys, signing, verifying, checked against node:crypto.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  checkStandard,
  publicKey,
  publicKeyOf,
  publicKeys,
  secretKey,
  signStandard,
  signStandardV1a,
  signingKey,
  signingKeys,
  verifyStandard,
} from "../../src/contracts/signature.js";
import { keyPair, v1a } from "../support/ed25519.js";

const body = Buffer.from('{"message_id":"m1","text":"héllo 😀"}', "utf8");
const NOW = 1_736_935_200;
const options = { nowSeconds: NOW, toleranceSeconds: 300 };
const at = (id: string, signature: string, timestamp = String(NOW)) => ({ id, timestamp, signature });

describe("the spec's own examples", () => {
  it("signs the Go reference library's vector (whsk_ holding the 32-byte seed) byte for byte", () => {
    // standard-webhooks libraries/go/webhook_asymmetric_test.go, TestAsymmetricWebhookSign.
    const key = secretKey("whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=");
    const payload = Buffer.from('{"test": 2432232314}');
    const expected =
      "v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag==";
    expect(signStandardV1a(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, payload)).toBe(expected);
    const headers = at("msg_p5jXN8AQM9LWM0D4loKWxJek", expected, "1614265330");
    const keys = { publicKeys: [publicKeyOf(key)] };
    expect(checkStandard(keys, payload, headers, { nowSeconds: 1614265330, toleranceSeconds: 300 })).toBe("valid");
  });

  it("reads Svix's key pair (whsk_ holding seed and public key, 64 bytes) as one pair", () => {
    // svix-webhooks server/svix-server/src/core/types/mod.rs, test_endpoint_secret_deserialization.
    const whsk = "whsk_6Xb/dCcHpPea21PS1N9VY/NZW723CEc77N4rJCubMbfVKIDij2HKpMKkioLlX0dRqSKJp4AJ6p9lMicMFs6Kvg==";
    const whpk = "whpk_1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4=";
    const key = secretKey(whsk);
    expect(Buffer.from(publicKeyOf(key))).toEqual(Buffer.from(publicKey(whpk)));
    const signature = signStandardV1a(key, "msg_1", NOW, body);
    expect(checkStandard({ publicKeys: publicKeys(whpk) }, body, at("msg_1", signature), options)).toBe("valid");
    // The same secret with one byte of its public half changed does not make a pair.
    expect(() => secretKey(whsk.replace("Kvg==", "Kug=="))).toThrow(/must end with the public key of its first 32 bytes/);
  });
});

describe("v1a with keys generated here", () => {
  const a = keyPair();
  const b = keyPair();
  const stranger = keyPair();
  const keys = { publicKeys: publicKeys(`${a.whpk}, ${b.whpk}`) };

  it("signs as node:crypto does, and accepts what it signs", () => {
    const signature = signStandardV1a(secretKey(a.whsk), "msg_1", NOW, body);
    expect(signature).toBe(v1a(a.privateKey, "msg_1", NOW, body));
    expect(checkStandard(keys, body, at("msg_1", signature), options)).toBe("valid");
  });

  it("accepts a signature by either key of a rotation, and none by another", () => {
    expect(checkStandard(keys, body, at("msg_1", v1a(a.privateKey, "msg_1", NOW, body)), options)).toBe("valid");
    expect(checkStandard(keys, body, at("msg_1", v1a(b.privateKey, "msg_1", NOW, body)), options)).toBe("valid");
    expect(checkStandard(keys, body, at("msg_1", v1a(stranger.privateKey, "msg_1", NOW, body)), options)).toBe("mismatch");
  });

  it("refuses a signature over another body, id or timestamp", () => {
    const tampered = Buffer.from(body.toString().replace("héllo", "hello"));
    expect(checkStandard(keys, tampered, at("msg_1", v1a(a.privateKey, "msg_1", NOW, body)), options)).toBe("mismatch");
    expect(checkStandard(keys, body, at("msg_1", v1a(a.privateKey, "msg_2", NOW, body)), options)).toBe("mismatch");
    expect(checkStandard(keys, body, at("msg_1", v1a(a.privateKey, "msg_1", NOW - 1, body)), options)).toBe("mismatch");
    expect(checkStandard(keys, body, at("msg_1", "v1a,AAAA"), options)).toBe("mismatch");
  });

  it("holds v1a to the same tolerance window as v1", () => {
    for (const ts of [NOW - 301, NOW + 301]) {
      expect(checkStandard(keys, body, at("msg_1", v1a(a.privateKey, "msg_1", ts, body), String(ts)), options)).toBe("stale");
    }
    for (const ts of [NOW - 300, NOW + 300]) {
      expect(checkStandard(keys, body, at("msg_1", v1a(a.privateKey, "msg_1", ts, body), String(ts)), options)).toBe("valid");
    }
  });

  it("takes v1 and v1a side by side in one header: one valid entry of either kind is enough", () => {
    const both = { secrets: signingKeys("s3cret"), publicKeys: keys.publicKeys };
    const goodV1 = signStandard(signingKey("s3cret"), "msg_1", NOW, body);
    const badV1 = signStandard(signingKey("other"), "msg_1", NOW, body);
    const goodV1a = v1a(a.privateKey, "msg_1", NOW, body);
    const badV1a = v1a(stranger.privateKey, "msg_1", NOW, body);
    expect(checkStandard(both, body, at("msg_1", `${badV1} ${goodV1a}`), options)).toBe("valid");
    expect(checkStandard(both, body, at("msg_1", `${goodV1} ${badV1a}`), options)).toBe("valid");
    expect(checkStandard(both, body, at("msg_1", `${badV1a} v2,abc ${badV1}`), options)).toBe("mismatch");
  });

  it("says no_entry when no entry is of a kind a configured key can check", () => {
    const goodV1a = v1a(a.privateKey, "msg_1", NOW, body);
    const goodV1 = signStandard(signingKey("s3cret"), "msg_1", NOW, body);
    expect(checkStandard({ secrets: signingKeys("s3cret") }, body, at("msg_1", goodV1a), options)).toBe("no_entry");
    expect(checkStandard(signingKeys("s3cret"), body, at("msg_1", goodV1a), options)).toBe("no_entry");
    expect(checkStandard(keys, body, at("msg_1", goodV1), options)).toBe("no_entry");
    expect(checkStandard(keys, body, at("msg_1", "v1a,!! v2,abc"), options)).toBe("no_entry");
    expect(checkStandard({}, body, at("msg_1", `${goodV1} ${goodV1a}`), options)).toBe("no_entry");
  });

  it("tries at most the first 8 v1a entries, each costing a verification per key", () => {
    const noise = Array.from({ length: 7 }, () => v1a(stranger.privateKey, "msg_1", NOW, body));
    const good = v1a(a.privateKey, "msg_1", NOW, body);
    expect(checkStandard(keys, body, at("msg_1", [...noise, good].join(" ")), options)).toBe("valid");
    expect(checkStandard(keys, body, at("msg_1", [...noise, noise[0], good].join(" ")), options)).toBe("mismatch");
  });

  it("keeps verifyStandard's verdicts, with a bare secret list meaning secrets alone", () => {
    const good = v1a(a.privateKey, "msg_1", NOW, body);
    expect(verifyStandard(keys, body, at("msg_1", good), options)).toBe("valid");
    expect(verifyStandard(signingKeys("s3cret"), body, at("msg_1", good), options)).toBe("invalid");
    const v1 = `v1,${createHmac("sha256", "s3cret").update(`msg_1.${NOW}.`).update(body).digest("base64")}`;
    expect(verifyStandard(signingKeys("s3cret"), body, at("msg_1", v1), options)).toBe("valid");
  });
});

describe("whpk_ and whsk_ keys", () => {
  const pair = keyPair();
  const raw = Buffer.from(pair.whpk.slice(5), "base64");

  it("reads a whpk_ key as its 32 raw bytes, padding optional, and a list with blanks dropped", () => {
    expect(Buffer.from(publicKey(pair.whpk))).toEqual(raw);
    expect(Buffer.from(publicKey(pair.whpk.replace(/=+$/, "")))).toEqual(raw);
    expect(publicKeys(` , ${pair.whpk} ,, `)).toHaveLength(1);
    expect(publicKeys("  ")).toEqual([]);
  });

  it("reads a whsk_ key as its seed, whether written as 32 bytes or 64 (seed, then public key)", () => {
    const long = `whsk_${Buffer.concat([pair.seed, raw]).toString("base64")}`;
    expect(Buffer.from(secretKey(pair.whsk))).toEqual(pair.seed);
    expect(Buffer.from(secretKey(long))).toEqual(pair.seed);
    expect(Buffer.from(publicKeyOf(secretKey(long)))).toEqual(raw);
  });

  const b64 = (n: number) => Buffer.alloc(n, 7).toString("base64");
  it.each([
    ["", /must be written whpk_<base64>/],
    [b64(32), /must be written whpk_<base64>/],
    [`whsec_${b64(32)}`, /must be written whpk_<base64>/],
    ["whpk_", /base64 of 32 bytes/],
    [`whpk_${b64(31)}`, /base64 of 32 bytes/],
    [`whpk_${b64(33)}`, /base64 of 32 bytes/],
    [`whpk_${b64(32).replace("B", "!")}`, /base64 of 32 bytes/],
    [`whpk_${b64(32)}x`, /base64 of 32 bytes/],
    [`whsk_${b64(32)}`, /a whsk_ key is a secret key/],
  ])("refuses %j as a public key, without echoing it", (text, message) => {
    expect(() => publicKey(text)).toThrow(message);
    if (text !== "") expect(() => publicKeys(`${pair.whpk},${text}`)).toThrow(message);
    const error = (() => {
      try {
        publicKey(text);
      } catch (e) {
        return e as Error;
      }
    })();
    if (text.length > 8) expect(error?.message).not.toContain(text.slice(5, 13));
  });

  it.each([
    [`whpk_${b64(32)}`, /must be written whsk_<base64>/],
    ["whsk_", /base64 of 32 bytes \(or 64/],
    [`whsk_${b64(48)}`, /base64 of 32 bytes \(or 64/],
    [`whsk_${b64(32)}@`, /base64 of 32 bytes \(or 64/],
  ])("refuses %j as a secret key", (text, message) => {
    expect(() => secretKey(text)).toThrow(message);
  });

  it("refuses an Ed25519 key as an HMAC secret, which would make a public key a shared secret", () => {
    for (const text of [pair.whpk, pair.whsk]) {
      expect(() => signingKey(text)).toThrow(/Ed25519 key, not an HMAC secret/);
      expect(() => signingKeys(`plain,${text}`)).toThrow(/Ed25519/);
    }
  });
});
