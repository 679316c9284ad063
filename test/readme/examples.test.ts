// The README's sending examples, run as printed with bash against the built service, in order: they cannot rot.
import { createHmac } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAll, tempDatabase, type Stored } from "../process/support.js";
import { killLeftovers, startService, type Service } from "../scale/support.js";
import { ROOT, assignedJson, jsonValues, missingTools, runBlock, shellBlocks, type ShellRun } from "./support.js";

const README_URL = "http://localhost:8000";
const README_SECRET = "change-me";
const OK = { status: "ok" };
const stored = (m: unknown) => ({ text: null, ...(m as object) }) as Stored;

describe("README: Sending a message", () => {
  const blocks = shellBlocks("Sending a message");
  const [signedCurl, standardCurl, cli, stream] = blocks;
  const database = tempDatabase("readme");
  let service: Service;
  /** A block as printed; the README's URL becoming the test server's is the only rewrite. */
  const run = async (block: string): Promise<ShellRun> => {
    const script = block.replaceAll(README_URL, service.baseUrl);
    expect(script, "a URL other than the README's would reach a real service on :8000").not.toMatch(/:8000\b/);
    const result = await runBlock(script, { LYFTR_URL: service.baseUrl });
    expect(result.code, `exit code of\n${script}\nstderr: ${result.stderr}`).toBe(0);
    return result;
  };

  beforeAll(async () => {
    const missing = missingTools(["curl", "openssl", "npm"]);
    if (missing.length > 0) throw new Error(`the README's examples need ${missing.join(" and ")}, not found on PATH`);
    for (const built of ["dist/main.js", "dist/adapters/cli/main.js"]) {
      if (!existsSync(`${ROOT}${built}`)) throw new Error(`${built} is missing: run \`npm run build\` first`);
    }
    // READ_API_TOKEN cleared: the README's reads carry no token, as on a service started from the Quickstart.
    service = await startService({ WEBHOOK_SECRET: README_SECRET, DATABASE_URL: database.url, READ_API_TOKEN: "" });
  });
  afterAll(async () => {
    await service?.stop().catch(() => killLeftovers());
    database.remove();
  });

  it("has the four blocks this test knows the promises of", () => {
    expect(blocks.length, "a block was added or removed: teach this test what it promises").toBe(4);
    expect(signedCurl).toContain(README_URL);
    expect(standardCurl).toContain(README_URL);
  });

  it('X-Signature with curl: {"status":"ok"}, m1 listed and counted; the same again changes nothing', async () => {
    const m1 = stored(assignedJson(signedCurl!, "BODY"));
    const first = await run(signedCurl!);
    const [answer, page, stats, ...rest] = jsonValues(first.stdout);
    expect(answer).toEqual(OK);
    expect(page).toMatchObject({ data: [m1], total: 1 });
    expect(stats).toMatchObject({ total_messages: 1, senders_count: 1 });
    expect(rest).toEqual([]);
    expect((await run(signedCurl!)).stdout).toBe(first.stdout);
  });

  it('Standard Webhooks with curl: {"status":"ok"}, and m2 is stored beside m1', async () => {
    const m2 = stored(assignedJson(standardCurl!, "BODY"));
    expect((await run(standardCurl!)).stdout).toBe(JSON.stringify(OK));
    const all = await listAll(service.baseUrl);
    expect(all).toHaveLength(2);
    expect(all).toContainEqual(m2);
  });

  it("the sender CLI: message_id and HTTP 200, the file stored once, the file's 64-hex X-Signature", async () => {
    const { stdout, stderr } = await run(cli!);
    const lines = stdout.split("\n");
    const ids = lines.filter((l) => l.startsWith("message_id "));
    expect(ids, stdout).toHaveLength(1);
    const id = /^message_id (cli-[0-9a-f-]{36})$/.exec(ids[0]!)?.[1];
    expect(id, ids[0]).toBeDefined();
    expect(lines[lines.indexOf(ids[0]!) + 1]).toBe('HTTP 200 {"status":"ok"}');
    const answers = lines.filter((l) => l.startsWith("HTTP "));
    expect(answers, `${stdout}\n${stderr}`).toEqual(Array(3).fill('HTTP 200 {"status":"ok"}'));

    const payload = readFileSync(`${ROOT}examples/payload.json`);
    const signatures = lines.filter((l) => /^[0-9a-f]{64}$/.test(l));
    expect(signatures).toEqual([createHmac("sha256", README_SECRET).update(payload).digest("hex")]);

    const all = await listAll(service.baseUrl);
    const example = stored(JSON.parse(payload.toString("utf8")));
    expect(all.filter((m) => m.message_id === example.message_id), "examples/payload.json, sent twice").toEqual([example]);
    const built = { message_id: id!, from: "+919876543210", to: "+14155550100", text: "Hello" };
    expect(all.map((m) => m.message_id).sort()).toEqual([id!, "example-1", "m1", "m2"].sort());
    expect(all).toContainEqual(expect.objectContaining(built));
    // Four npm runs, each starting node twice: seconds apiece on a busy machine.
  }, 60_000);

  it("following messages: from now on, a starting id and no messages; with after=0, every message sent above, in the order sent", async () => {
    const commands = stream!.split("\n").map((line) => line.replace(/\s+#.*$/, "").trim()).filter((line) => line.startsWith("curl"));
    expect(commands).toHaveLength(2);
    // Each runs until stopped, as a stream does: stop it after a moment and read what it printed.
    const printed = async (command: string) => {
      const script = command.replaceAll(README_URL, service.baseUrl);
      return (await runBlock(script, {}, 3_000)).stdout;
    };
    const fromNow = await printed(commands[0]!);
    expect(fromNow).toMatch(/^retry: 2000\n\nid: [A-Za-z0-9_-]+\n\n/);
    expect(fromNow).not.toContain("data:");
    const replay = await printed(commands[1]!);
    const ids = [...replay.matchAll(/^data: (.*)$/gm)].map(([, json]) => (JSON.parse(json!) as { message_id: string }).message_id);
    expect(ids.slice(0, 2)).toEqual(["m1", "m2"]);
    expect(ids.slice(3)).toEqual(["example-1"]);
    expect(ids[2]).toMatch(/^cli-/);
  });
});
