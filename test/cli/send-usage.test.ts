// `lyftr send` usage errors: one line on stderr, exit code 2, and no request made.
import { dirname } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lyftr, recordingServer, tempFile } from "./support.js";

const message = ["--from", "+919876543210", "--to", "+14155550100"];
const secret = { WEBHOOK_SECRET: "usage-secret" };

describe("lyftr send usage errors", () => {
  let recorder: Awaited<ReturnType<typeof recordingServer>>;
  let notJson: ReturnType<typeof tempFile>;
  let empty: ReturnType<typeof tempFile>;
  beforeAll(async () => {
    recorder = await recordingServer();
    notJson = tempFile('{"message_id": "m1",\n');
    empty = tempFile("");
  });
  afterAll(async () => {
    notJson.remove();
    empty.remove();
    await recorder.close();
  });

  const cases: [string, () => string[], Record<string, string>, RegExp][] = [
    ["no secret in the environment", () => message, {}, /no secret: WEBHOOK_SECRET is unset or empty/],
    ["an empty secret list", () => message, { WEBHOOK_SECRET: " , " }, /no secret: WEBHOOK_SECRET/],
    ["--secret-env naming an unset variable", () => [...message, "--secret-env", "NOPE"], secret, /no secret: NOPE/],
    ["a whsec_ secret that is not base64", () => message, { WEBHOOK_SECRET: "whsec_no*" }, /WEBHOOK_SECRET: a whsec_/],
    ["a missing file", () => ["--file", "/nonexistent/body.json"], secret, /: --file \/nonexistent\/body\.json: no such file \(/],
    ["a directory", () => ["--file", dirname(empty.path)], secret, /: --file \S+: is a directory, not a file \(/],
    ["an empty file", () => ["--file", empty.path], secret, /: --file \S+ is empty: nothing to send \(/],
    ["an empty stdin", () => ["--file", "-"], secret, /: stdin is empty: nothing to send \(/],
    ["a file that is not JSON", () => ["--file", notJson.path], secret, /is not valid JSON/],
    ["missing --to", () => ["--from", "+919876543210"], secret, /missing --from and --to/],
    ["--file with message flags", () => ["--file", notJson.path, "--text", "x"], secret, /--file cannot be combined with --text/],
    ["an unknown flag", () => [...message, "--bogus"], secret, /Unknown option '--bogus'/],
    ["a stray argument", () => [...message, "extra"], secret, /Unexpected argument 'extra'/],
    ["an unknown scheme", () => [...message, "--scheme", "v2"], secret, /--scheme must be hex or standard/],
    ["--id without --scheme standard", () => [...message, "--id", "x"], secret, /only to --scheme standard/],
    ["a --timestamp that is not Unix seconds", () => [...message, "--scheme=standard", "--timestamp=soon"], secret, /Unix seconds/],
    ["a --url that is not http (the last one wins)", () => [...message, "--url", "ftp://x.example"], secret, /must be http/],
    ["a --url with a password, never echoed", () => [...message, "--url", "http://u:usage-secret@x.example"], secret, /user:password@/],
  ];

  it.each(cases)("%s", async (_name, args, env, error) => {
    const run = await lyftr(["send", "--url", recorder.baseUrl, ...args()], { env: { ...env } });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^lyftr send: [^\n]+\(see lyftr send --help\)\n$/);
    expect(run.stderr).toMatch(error);
    expect(run.stderr).not.toContain("usage-secret");
    expect(recorder.seen).toEqual([]);
  });
});
