// `lyftr send` against the real server: flag-built messages, exact file and stdin bytes, both schemes, refusals.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECRET, startServer, type TestServer } from "../support/server.js";
import { listed, lyftr, tempFile } from "./support.js";

const OK = 'HTTP 200 {"status":"ok"}\n';
const route = { from: "+919876543210", to: "+14155550100" };
const fileBody = (id: string, text = "naïve 日本 🚀") =>
  // Spacing and key order a re-serialisation would change: only the exact bytes carry this signature.
  `{ "message_id" : "${id}", "text": "${text}", "from": "${route.from}", "to": "${route.to}", "ts": "2025-01-15T10:00:00.5Z" }\n`;

describe("lyftr send", () => {
  let server: TestServer;
  let url: string[];
  const env = { WEBHOOK_SECRET: SECRET };
  beforeAll(async () => {
    server = await startServer();
    url = ["--url", server.baseUrl];
  });
  afterAll(() => server.close());

  it("sends a message built from flags through the typed client; it is stored and listed", async () => {
    const flags = ["--message-id", "cli-flags", "--from", route.from, "--to", route.to, "--ts", "2025-01-15T10:00:00Z"];
    const run = await lyftr(["send", ...url, ...flags, "--text", "héllo 👋"], { env });
    expect(run).toEqual({ code: 0, stdout: `message_id cli-flags\n${OK}`, stderr: "" });
    expect(await listed(server, "cli-flags")).toEqual({
      message_id: "cli-flags",
      ...route,
      ts: "2025-01-15T10:00:00Z",
      text: "héllo 👋",
    });
  });

  it("defaults message_id to a fresh id and ts to now, and finds the service through LYFTR_URL", async () => {
    const run = await lyftr(["send", "--from", route.from, "--to", route.to], { env: { ...env, LYFTR_URL: server.baseUrl } });
    expect(run.code).toBe(0);
    const id = /^message_id (\S+)$/m.exec(run.stdout)?.[1];
    expect(id).toMatch(/^cli-[0-9a-f-]{36}$/);
    const message = await listed(server, id!);
    expect(message?.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Math.abs(Date.parse(message!.ts) - Date.now())).toBeLessThan(60_000);
    expect(message?.text).toBeNull();
  });

  it("sends a file's exact bytes, non-ASCII text and trailing newline included", async () => {
    const file = tempFile(fileBody("cli-file"));
    try {
      const run = await lyftr(["send", ...url, "--file", file.path], { env });
      expect(run).toEqual({ code: 0, stdout: OK, stderr: "" });
      expect(await listed(server, "cli-file")).toMatchObject({ text: "naïve 日本 🚀", ts: "2025-01-15T10:00:00.5Z" });
    } finally {
      file.remove();
    }
  });

  it("reads the body from stdin with --file -", async () => {
    const run = await lyftr(["send", ...url, "--file", "-"], { env, input: fileBody("cli-stdin", "from a pipe") });
    expect(run).toEqual({ code: 0, stdout: OK, stderr: "" });
    expect((await listed(server, "cli-stdin"))?.text).toBe("from a pipe");
  });

  it("signs with Standard Webhooks headers under --scheme standard, from flags and from a file", async () => {
    const flags = ["--message-id", "cli-std-flags", "--from", route.from, "--to", route.to, "--text", "ünïcode"];
    const fromFlags = await lyftr(["send", ...url, "--scheme", "standard", ...flags], { env });
    expect(fromFlags).toEqual({ code: 0, stdout: `message_id cli-std-flags\n${OK}`, stderr: "" });
    const withId = ["--scheme", "standard", "--id", "msg_cli", "--file", "-"];
    const fromFile = await lyftr(["send", ...url, ...withId], { env, input: fileBody("cli-std-file") });
    expect(fromFile).toEqual({ code: 0, stdout: OK, stderr: "" });
    expect(await listed(server, "cli-std-flags")).toMatchObject({ text: "ünïcode" });
    expect(await listed(server, "cli-std-file")).toMatchObject({ text: "naïve 日本 🚀" });
  });

  it("prints the server's 401 for a stale --timestamp and exits 1", async () => {
    const args = ["send", ...url, "--scheme", "standard", "--timestamp", "1000000000", "--file", "-"];
    const run = await lyftr(args, { env, input: fileBody("cli-stale") });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^HTTP 401 \{"detail":"invalid signature","reason":"webhook-timestamp is more than \d+ s from the server clock"\}\n$/);
    expect(await listed(server, "cli-stale")).toBeUndefined();
  });

  it("prints the server's 401 for a wrong secret, exits 1, stores nothing and never prints the secret", async () => {
    const args = ["send", ...url, "--message-id", "cli-wrong", "--from", route.from, "--to", route.to];
    const run = await lyftr(args, { env: { WEBHOOK_SECRET: "wrong-secret-value" } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^message_id cli-wrong\nHTTP 401 \{"detail":"invalid signature","reason":"X-Signature does not match the body[^"]*"\}\n$/);
    expect(run.stdout + run.stderr).not.toContain("wrong-secret-value");
    expect(await listed(server, "cli-wrong")).toBeUndefined();
  });

  it("prints the server's 422 for a message it refuses, and exits 1", async () => {
    const run = await lyftr(["send", ...url, "--from", "12345", "--to", route.to], { env });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout.split("\n")[1]!.replace(/^HTTP 422 /, ""))).toMatchObject({
      errors: [expect.objectContaining({ path: "from" })],
    });
  });

  it("signs with the first of a comma-separated WEBHOOK_SECRET, or the variable --secret-env names", async () => {
    const rotating = await lyftr(["send", ...url, "--file", "-"], {
      env: { WEBHOOK_SECRET: ` ${SECRET} , next-secret` },
      input: fileBody("cli-rotating"),
    });
    expect(rotating).toEqual({ code: 0, stdout: OK, stderr: "" });
    const named = await lyftr(["send", ...url, "--secret-env", "MY_SECRET", "--file", "-"], {
      env: { MY_SECRET: SECRET, WEBHOOK_SECRET: "not-this-one" },
      input: fileBody("cli-named"),
    });
    expect(named).toEqual({ code: 0, stdout: OK, stderr: "" });
  });
});
