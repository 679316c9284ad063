// `lyftr export` against the real server: the same bytes as GET /messages/export, to a file or stdout, with filters and refusals.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aMessage, keyed } from "../support/messages.js";
import { startServer, type TestServer } from "../support/server.js";
import { lyftr } from "./support.js";

describe("lyftr export", () => {
  let server: TestServer;
  let url: string[];
  const dir = mkdtempSync(join(tmpdir(), "lyftr-export-"));
  const TOKEN = "read-me";
  const env = { LYFTR_READ_TOKEN: TOKEN };

  beforeAll(async () => {
    server = await startServer({ readTokens: TOKEN });
    url = ["--url", server.baseUrl];
    const texts = ["a, b", 'say "hi"', "two\r\nlines", null, "plain"];
    for (const [i, text] of texts.entries()) {
      const to = i % 2 ? "+14155550100" : "+447700900002";
      await server.storage.messages.insertIfAbsent(keyed(aMessage({ message_id: `x${i}`, to, ts: `2025-01-1${i}T10:00:00Z`, text })));
    }
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const served = async (query: string) =>
    (await fetch(`${server.baseUrl}/messages/export?${query}`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();

  it("writes the CSV export to --out, byte for byte what the service sends, leaving no .partial", async () => {
    const out = join(dir, "all.csv");
    const run = await lyftr(["export", ...url, "--format", "csv", "--out", out], { env });
    expect(run).toEqual({ code: 0, stdout: "", stderr: `lyftr export: wrote ${out}\n` });
    expect(readFileSync(out, "utf8")).toBe(await served("format=csv"));
    expect(readFileSync(out, "utf8")).toContain('"say ""hi"""');
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it("streams NDJSON to stdout with the filters and order given", async () => {
    const flags = ["--to", "+447700900002", "--until", "2025-01-14T10:00:00Z", "--order", "desc", "--since", "2025-01-10T00:00:00+05:30"];
    const run = await lyftr(["export", ...url, ...flags], { env });
    expect(run.code).toBe(0);
    const expected = await served(
      new URLSearchParams({ to: "+447700900002", until: "2025-01-14T10:00:00Z", order: "desc", since: "2025-01-10T00:00:00+05:30" }).toString(),
    );
    expect(run.stdout).toBe(expected);
    expect(run.stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l).message_id)).toEqual(["x2", "x0"]);
  });

  it("prints the service's 422 for a bad value and exits 1, writing no file", async () => {
    const out = join(dir, "bad.csv");
    const run = await lyftr(["export", ...url, "--order", "sideways", "--out", out], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("HTTP 422");
    expect(run.stderr).toContain("order must be asc or desc");
    expect(existsSync(out)).toBe(false);
  });

  it("sends LYFTR_READ_TOKEN; without it the service's 401 is printed", async () => {
    const run = await lyftr(["export", ...url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("HTTP 401");
  });

  it("refuses an unknown flag with exit code 2, sending nothing", async () => {
    const run = await lyftr(["export", ...url, "--colour", "blue"], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^lyftr export: .*--colour.* \(see lyftr export --help\)\n$/);
  });

  it("says plainly when the service cannot be reached", async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((ready) => probe.listen(0, "127.0.0.1", ready));
    const { port } = probe.address() as AddressInfo;
    await new Promise((closed) => probe.close(closed));
    const run = await lyftr(["export", "--url", `http://127.0.0.1:${port}`], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^lyftr export: cannot reach http://127\\.0\\.0\\.1:${port}: connection refused`));
  });
});
