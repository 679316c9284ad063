// `lyftr send` and `lyftr sign` with a whsk_ secret key: Standard Webhooks v1a, to a service holding the whpk_ key.
import { verify } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyPair } from "../support/ed25519.js";
import { startServer, type TestServer } from "../support/server.js";
import { listed, lyftr, recordingServer } from "./support.js";

const OK = 'HTTP 200 {"status":"ok"}\n';
const route = ["--from", "+919876543210", "--to", "+14155550100"];
const fileBody = (id: string) => `{ "message_id" : "${id}", "from": "+919876543210", "to": "+14155550100", "ts": "2025-01-15T10:00:00Z", "text": "naïve 🚀" }\n`;

describe("lyftr with a whsk_ key", () => {
  const pair = keyPair();
  const env = { WEBHOOK_SECRET: pair.whsk };
  let server: TestServer;
  let url: string[];
  beforeAll(async () => {
    server = await startServer({ secrets: "", publicKeys: pair.whpk });
    url = ["--url", server.baseUrl];
  });
  afterAll(() => server.close());

  it("send --scheme standard signs v1a: the service holding the whpk_ key stores the message", async () => {
    const run = await lyftr(["send", ...url, "--scheme", "standard", "--message-id", "cli-v1a", ...route, "--text", "ünïcode"], { env });
    expect(run).toEqual({ code: 0, stdout: `message_id cli-v1a\n${OK}`, stderr: "" });
    expect(await listed(server, "cli-v1a")).toMatchObject({ message_id: "cli-v1a", text: "ünïcode" });
  });

  it("signs a file's exact bytes too, with a 64-byte whsk_ (seed, then public key) read through --secret-env", async () => {
    const long = `whsk_${Buffer.concat([pair.seed, Buffer.from(pair.whpk.slice(5), "base64")]).toString("base64")}`;
    const args = ["send", ...url, "--scheme", "standard", "--secret-env", "SENDER_KEY", "--file", "-"];
    const run = await lyftr(args, { env: { SENDER_KEY: long }, input: fileBody("cli-v1a-file") });
    expect(run).toEqual({ code: 0, stdout: OK, stderr: "" });
    expect(await listed(server, "cli-v1a-file")).toMatchObject({ text: "naïve 🚀" });
  });

  it("is refused (HTTP 401, exit 1) with a key the service does not hold", async () => {
    const args = ["send", ...url, "--scheme", "standard", "--message-id", "cli-v1a-stranger", ...route];
    const run = await lyftr(args, { env: { WEBHOOK_SECRET: keyPair().whsk } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^message_id cli-v1a-stranger\nHTTP 401 \{"detail":"invalid signature","reason":"webhook-signature does not match/);
    expect(await listed(server, "cli-v1a-stranger")).toBeUndefined();
  });

  it("sign --scheme standard prints v1a headers that node:crypto verifies over the exact bytes", async () => {
    const body = Buffer.from(fileBody("signed-only"));
    const run = await lyftr(["sign", "--scheme", "standard", "--id", "msg_cli", "--timestamp", "1736935200"], { env, input: body });
    expect(run.code).toBe(0);
    const [idLine, timestampLine, signatureLine, ...rest] = run.stdout.split("\n");
    expect([idLine, timestampLine, rest]).toEqual(["webhook-id: msg_cli", "webhook-timestamp: 1736935200", [""]]);
    const [, encoded] = /^webhook-signature: v1a,(\S+)$/.exec(signatureLine!) ?? [];
    const content = Buffer.concat([Buffer.from("msg_cli.1736935200."), body]);
    expect(verify(null, content, pair.publicKey, Buffer.from(encoded!, "base64"))).toBe(true);
  });

  it.each([
    ["send", (recorder: string) => ["send", "--url", recorder, ...route]],
    ["sign", () => ["sign"]],
  ])("refuses `%s` with the default hex scheme: exit 2, one line, nothing sent", async (_name, args) => {
    const recorder = await recordingServer();
    try {
      const run = await lyftr(args(recorder.baseUrl), { env, input: "{}" });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^lyftr \w+: WEBHOOK_SECRET holds a whsk_ key, which signs only Standard Webhooks v1a: add --scheme standard \(see lyftr \w+ --help\)\n$/);
      expect(run.stdout + run.stderr).not.toContain(pair.whsk.slice(5));
      expect(recorder.seen).toEqual([]);
    } finally {
      await recorder.close();
    }
  });

  it("refuses a whpk_ public key as the secret: it cannot sign", async () => {
    const run = await lyftr(["send", ...url, "--scheme", "standard", ...route], { env: { WEBHOOK_SECRET: pair.whpk } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^lyftr send: WEBHOOK_SECRET: a whpk_ or whsk_ key is an Ed25519 key, not an HMAC secret/);
  });
});
