// The typed client as a product: npm pack, install the tarball in a fresh project, type-check and run it.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECRET, startServer, type TestServer } from "../support/server.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const own = (pkg: string) =>
  (JSON.parse(readFileSync(join(ROOT, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

// The parent `npm test` exports npm_config_local_prefix=/work/main; a child npm seeing it would install there.
function childEnv(extra: Record<string, string> = {}) {
  const keep = /^npm_config_(cache|registry|userconfig|globalconfig|proxy|https_proxy|noproxy|cafile|strict_ssl)$/i;
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) || keep.test(k)));
  return { ...env, ...extra } as NodeJS.ProcessEnv;
}

function run(cmd: string, args: string[], cwd: string, timeout: number, env = childEnv()): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, timeout, env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
      resolve({ code, stdout, stderr: error?.killed ? `${stderr}\n(killed after ${timeout} ms)` : stderr });
    });
  });
}

const CONSUMER = `import { createClient } from "lyftr-webhooks/client";
import { contract } from "lyftr-webhooks/contract";

const baseUrl = process.env.LYFTR_URL;
const secret = process.env.WEBHOOK_SECRET;
if (!baseUrl || !secret) throw new Error("LYFTR_URL and WEBHOOK_SECRET are required");

const api = createClient({ baseUrl, secret, validateResponse: true });
const message_id = "from-the-tarball";
const sent = await api.ingestMessage({
  body: { message_id, from: "+919876543210", to: "+14155550100", ts: "2025-01-15T10:00:00Z", text: "Packed" },
});
const unsigned = await createClient({ baseUrl }).ingestMessage({
  body: { message_id: "unsigned", from: "+919876543210", to: "+14155550100", ts: "2025-01-15T10:00:00Z" },
});
const page = await api.listMessages({ query: { from: "+919876543210", limit: 10 } });
if (page.status !== 200) throw new Error("list answered " + page.status);
const ids: string[] = page.body.data.map((m) => m.message_id);
console.log(JSON.stringify({
  sent: { status: sent.status, body: sent.body },
  unsigned: unsigned.status,
  total: page.body.total,
  ids,
  routes: [contract.ingestMessage.method + " " + contract.ingestMessage.path, contract.listMessages.path],
}));
`;

// Two mistakes a consumer could make; if the published types were \`any\`, both would compile.
const WRONG = `import { createClient } from "lyftr-webhooks/client";

const api = createClient({ baseUrl: "http://127.0.0.1:9" });
await api.ingestMessage({
  body: { message_id: 42, from: "+919876543210", to: "+14155550100", ts: "2025-01-15T10:00:00Z" },
});
const page = await api.listMessages({ query: {} });
export const total: number = page.body.total;
`;

// The real consumer also checks the package's .d.ts (skipLibCheck off); the wrong one only needs its own errors.
const TSCONFIG = (include: string, emit: boolean) =>
  JSON.stringify({
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      types: ["node"],
      outDir: "out",
      noEmit: !emit,
      skipLibCheck: !emit,
    },
    include: [include],
  });

describe("the packed tarball, installed by a consumer", () => {
  const work = mkdtempSync(join(tmpdir(), "lyftr-package-"));
  const packDir = join(work, "pack");
  const app = join(work, "consumer");
  let tarball = "";
  let server: TestServer;
  let compiled: Run;
  let wrong: Run;

  beforeAll(async () => {
    // Packs what `npm run build` left in dist/: stale output would publish yesterday's client.
    for (const f of readdirSync(join(ROOT, "src/contracts")).filter((f) => f.endsWith(".ts"))) {
      const built = join(ROOT, "dist/contracts", f.replace(/\.ts$/, ".js"));
      expect(statSync(built, { throwIfNoEntry: false })?.mtimeMs ?? 0, `${built} missing or stale: run npm run build`).toBeGreaterThanOrEqual(
        statSync(join(ROOT, "src/contracts", f)).mtimeMs,
      );
    }
    mkdirSync(packDir);
    const pack = await run("npm", ["pack", "--ignore-scripts", "--pack-destination", packDir, "--json"], ROOT, 60_000);
    expect(pack.code, `npm pack failed:\n${pack.stderr}`).toBe(0);
    tarball = join(packDir, (JSON.parse(pack.stdout) as [{ filename: string }])[0].filename);

    mkdirSync(app);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    const deps = [tarball, `typescript@${own("typescript")}`, `@types/node@${own("@types/node")}`];
    const install = await run("npm", ["install", ...deps, "--no-audit", "--no-fund", "--ignore-scripts", "--prefer-offline"], app, 120_000);
    if (install.code !== 0) {
      throw new Error(
        `npm install of the tarball failed (its dependencies come from the registry or the npm cache; is the registry reachable?):\n` +
          install.stderr.split("\n").slice(-25).join("\n"),
      );
    }
    mkdirSync(join(app, "src"));
    writeFileSync(join(app, "src/main.ts"), CONSUMER);
    writeFileSync(join(app, "tsconfig.json"), TSCONFIG("src", true));
    mkdirSync(join(app, "wrong"));
    writeFileSync(join(app, "wrong/main.ts"), WRONG);
    writeFileSync(join(app, "tsconfig.wrong.json"), TSCONFIG("wrong", false));
    const tsc = (project: string) => run("node", ["node_modules/typescript/bin/tsc", "-p", project], app, 90_000);
    [compiled, wrong] = await Promise.all([tsc("tsconfig.json"), tsc("tsconfig.wrong.json")]);
    server = await startServer();
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("ships the built client and nothing of src/ or test/", async () => {
    const list = await run("tar", ["-tzf", tarball], work, 30_000);
    expect(list.code).toBe(0);
    const files = list.stdout.split("\n").filter(Boolean).map((f) => f.replace(/^package\//, ""));
    expect(files).toEqual(expect.arrayContaining(["package.json", "dist/contracts/client.js", "dist/contracts/client.d.ts"]));
    expect(files.filter((f) => /^(src|test)\//.test(f))).toEqual([]);
  });

  it("type-checks and compiles a strict NodeNext consumer", () => {
    expect(compiled.stdout + compiled.stderr).toBe("");
    expect(compiled.code).toBe(0);
  });

  it("rejects a consumer that gets the types wrong", () => {
    expect(wrong.code).not.toBe(0);
    const errors = wrong.stdout.split("\n").filter((l) => /error TS\d+/.test(l));
    expect(errors, wrong.stdout + wrong.stderr).toEqual([
      expect.stringMatching(/^wrong\/main\.ts\(5,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/),
      expect.stringMatching(/^wrong\/main\.ts\(8,\d+\): error TS2339: Property 'total' does not exist/),
    ]);
  });

  it("runs against a live server: signs, sends, lists", async () => {
    expect(compiled.code, "the consumer did not compile").toBe(0);
    const out = await run("node", ["out/main.js"], app, 30_000, {
      PATH: process.env.PATH ?? "",
      LYFTR_URL: server.baseUrl,
      WEBHOOK_SECRET: SECRET,
    });
    expect(out.stderr).toBe("");
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({
      sent: { status: 200, body: { status: "ok" } },
      unsigned: 401,
      total: 1,
      ids: ["from-the-tarball"],
      routes: ["POST /webhook", "/messages"],
    });
    // The server's own view, not just what the consumer printed.
    const stored = await server.client.listMessages({ query: {} });
    expect(stored.status === 200 && stored.body.data.map((m) => [m.message_id, m.text])).toEqual([["from-the-tarball", "Packed"]]);
  });
});
