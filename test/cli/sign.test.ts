// `lyftr sign`: the signature of a body's exact bytes, checked against node:crypto and openssl.
import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { dirname } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lyftr, tempFile } from "./support.js";

const SECRET = "sign-s€cret";
const env = { WEBHOOK_SECRET: SECRET };
const BODY = Buffer.from('{"message_id":"s1","text":"héllo 👋 世界"}\n');
const hmacHex = (key: string | Buffer, bytes: Buffer) => createHmac("sha256", key).update(bytes).digest("hex");

const hasOpenssl = (() => {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe("lyftr sign", () => {
  let file: ReturnType<typeof tempFile>;
  let empty: ReturnType<typeof tempFile>;
  beforeAll(() => {
    file = tempFile(BODY);
    empty = tempFile("");
  });
  afterAll(() => {
    file.remove();
    empty.remove();
  });

  it("prints the hex HMAC-SHA256 of a file's exact bytes", async () => {
    const run = await lyftr(["sign", "--file", file.path], { env });
    expect(run).toEqual({ code: 0, stdout: `${hmacHex(SECRET, BODY)}\n`, stderr: "" });
  });

  it("reads stdin when no --file is given, or with --file -", async () => {
    for (const args of [["sign"], ["sign", "--file", "-"]]) {
      const run = await lyftr(args, { env, input: BODY });
      expect(run).toEqual({ code: 0, stdout: `${hmacHex(SECRET, BODY)}\n`, stderr: "" });
    }
  });

  it.skipIf(!hasOpenssl)("agrees with `openssl dgst -sha256 -hmac`", async () => {
    const openssl = execFileSync("openssl", ["dgst", "-sha256", "-hmac", SECRET], { input: BODY, encoding: "utf8" });
    const run = await lyftr(["sign", "--file", file.path], { env });
    expect(openssl.trim().split(/\s+/).at(-1)).toBe(run.stdout.trim());
  });

  it("signs any bytes, JSON or not", async () => {
    const bytes = Buffer.from([0xff, 0x00, 0x7b, 0x0a]);
    expect((await lyftr(["sign"], { env, input: bytes })).stdout).toBe(`${hmacHex(SECRET, bytes)}\n`);
  });

  it("uses the decoded bytes of a whsec_ secret, and the first of a list", async () => {
    const raw = Buffer.from("0123456789abcdef0123456789abcdef");
    const run = await lyftr(["sign", "--file", file.path], { env: { WEBHOOK_SECRET: `whsec_${raw.toString("base64")},other` } });
    expect(run.stdout).toBe(`${hmacHex(raw, BODY)}\n`);
  });

  it("prints the three Standard Webhooks header lines under --scheme standard", async () => {
    const args = ["sign", "--file", file.path, "--scheme", "standard", "--id", "msg_1", "--timestamp", "1736935200"];
    const run = await lyftr(args, { env });
    const signature = createHmac("sha256", SECRET)
      .update(Buffer.concat([Buffer.from("msg_1.1736935200."), BODY]))
      .digest("base64");
    expect(run).toEqual({
      code: 0,
      stdout: `webhook-id: msg_1\nwebhook-timestamp: 1736935200\nwebhook-signature: v1,${signature}\n`,
      stderr: "",
    });
  });

  it("defaults the Standard Webhooks id to a fresh one and the timestamp to now", async () => {
    const run = await lyftr(["sign", "--scheme", "standard"], { env, input: BODY });
    const [id, timestamp, signature] = run.stdout.trim().split("\n").map((line) => line.split(": ")[1]!);
    expect(id).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    const expected = createHmac("sha256", SECRET).update(`${id}.${timestamp}.`).update(BODY).digest("base64");
    expect(signature).toBe(`v1,${expected}`);
  });

  it.each([
    ["no secret", ["sign", "--file", "BODY"], {}, /no secret: WEBHOOK_SECRET/],
    ["a missing file", ["sign", "--file", "/nonexistent/payload.json"], env, /: --file \/nonexistent\/payload\.json: no such file \(/],
    ["a directory", ["sign", "--file", "DIR"], env, /: --file \S+: is a directory, not a file \(/],
    ["an empty file", ["sign", "--file", "EMPTY"], env, /: --file \S+ is empty: nothing to sign \(/],
    ["--timestamp with the hex scheme", ["sign", "--file", "BODY", "--timestamp", "1"], env, /only to --scheme standard/],
    ["an unknown flag", ["sign", "--url", "http://x"], env, /Unknown option '--url'/],
  ])("refuses %s with exit code 2 and one line", async (_name, args, runEnv, error) => {
    const paths: Record<string, string> = { BODY: file.path, EMPTY: empty.path, DIR: dirname(empty.path) };
    const run = await lyftr(args.map((a) => paths[a] ?? a), { env: runEnv, input: BODY });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^lyftr sign: [^\n]+\n$/);
    expect(run.stderr).toMatch(error);
    expect(run.stderr).not.toContain(SECRET);
  });

  it("refuses an empty stdin with exit code 2 and one line, rather than print the signature of nothing", async () => {
    for (const args of [["sign"], ["sign", "--file", "-"]]) {
      const run = await lyftr(args, { env, input: "" });
      expect(run).toEqual({ code: 2, stdout: "", stderr: "lyftr sign: stdin is empty: nothing to sign (see lyftr sign --help)\n" });
    }
  });
});
