// @lyftr/client as a consumer meets it: packed, installed from the tarball into fresh ESM and CommonJS projects, type-checked, run.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECRET, startServer, type TestServer } from "../support/server.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const PACKAGE = join(ROOT, "packages/client");
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");
const SERVER_ONLY = ["express", "kysely", "pg", "better-sqlite3", "swagger-ui-dist", "swagger-ui-express", "helmet", "pino", "prom-client"];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

// The parent `npm test` exports npm_config_local_prefix and friends; a child npm seeing them would work on this repo.
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

type Manifest = { scripts?: Record<string, string> };

/** Every installed package (nested ones too), by name, with its package.json. */
function installed(dir: string): Map<string, Manifest> {
  const found = new Map<string, Manifest>();
  const walk = (modules: string) => {
    if (!existsSync(modules)) return;
    for (const entry of readdirSync(modules)) {
      if (entry.startsWith(".")) continue;
      const names = entry.startsWith("@") ? readdirSync(join(modules, entry)).map((n) => `${entry}/${n}`) : [entry];
      for (const name of names) {
        const manifest = join(modules, name, "package.json");
        if (!existsSync(manifest)) continue;
        found.set(name, JSON.parse(readFileSync(manifest, "utf8")) as Manifest);
        walk(join(modules, name, "node_modules"));
      }
    }
  };
  walk(join(dir, "node_modules"));
  return found;
}

/**
 * How each kind of project imports: tsc --init sets verbatimModuleSyntax, so a CommonJS file writes
 * `import x = require(…)` (the README says so) and an ES module writes `import`.
 */
const IMPORTS = {
  esm: `import { createClient, LyftrApiError, type Message } from "@lyftr/client";
import { contract } from "@lyftr/client/contract";`,
  cjs: `import lyftr = require("@lyftr/client");
import lyftrContract = require("@lyftr/client/contract");
import type { Message } from "@lyftr/client";
const { createClient, LyftrApiError } = lyftr;
const { contract } = lyftrContract;`,
};

/** What a consumer writes: sends signed, pages through everything with the iterator, reads the contract. */
const consumer = (baseUrl: string, kind: "esm" | "cjs") => `${IMPORTS[kind]}

async function main(): Promise<void> {
  const api = createClient({ baseUrl: ${JSON.stringify(baseUrl)}, secret: ${JSON.stringify(SECRET)}, validateResponse: true });
  const ids = Array.from({ length: 120 }, (_, i) => "${kind}-" + String(i).padStart(3, "0"));
  for (const message_id of ids) {
    const sent = await api.ingestMessage({
      body: { message_id, from: "+919876543210", to: "+14155550100", ts: "2025-01-15T10:00:00Z", text: "packed ${kind}" },
    });
    if (sent.status !== 200) throw new Error("not stored: " + sent.status);
  }
  const seen: Message[] = [];
  for await (const m of api.messages({ q: "packed ${kind}" })) seen.push(m);
  let refused = "";
  try {
    for await (const _ of createClient({ baseUrl: ${JSON.stringify(baseUrl)} }).messages({ from: "not-e164" })) break;
  } catch (error) {
    if (error instanceof LyftrApiError) refused = String(error.status);
  }
  console.log(JSON.stringify({ ids: seen.map((m) => m.message_id), refused, route: contract.ingestMessage.path }));
}
${kind === "esm" ? "await main();" : "void main();"}
`;

// A wrong field type and a status the contract does not declare: both must fail to compile.
const WRONG = `import { createClient } from "@lyftr/client";

export async function wrong(): Promise<number> {
  const api = createClient({ baseUrl: "http://127.0.0.1:9" });
  await api.ingestMessage({ body: { message_id: 42, from: "+919876543210", to: "+14155550100", ts: "2025-01-15T10:00:00Z" } });
  const page = await api.listMessages({ query: {} });
  if (page.status === 418) return 0;
  return page.status === 200 ? page.body.total : -1;
}
`;

describe("@lyftr/client, packed and installed", () => {
  const work = mkdtempSync(join(tmpdir(), "lyftr-client-"));
  let tarball = "";
  let files: string[] = [];
  let server: TestServer;
  const projects = { esm: join(work, "esm"), cjs: join(work, "cjs") };
  const installs: Record<string, Run> = {};

  beforeAll(async () => {
    // What `npm run build` (pretest) left in dist/: running prepack here would rebuild dist/ under
    // the feet of the other test files that load the client at the same time.
    const pack = await run("npm", ["pack", "--ignore-scripts", "--pack-destination", work, "--json"], PACKAGE, 120_000);
    expect(pack.code, `npm pack failed:\n${pack.stderr}`).toBe(0);
    const [packed] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf("["))) as [{ filename: string; files: { path: string }[] }];
    tarball = join(work, packed.filename);
    files = packed.files.map((f) => f.path);

    await Promise.all(
      (["esm", "cjs"] as const).map(async (kind) => {
        const dir = projects[kind];
        mkdirSync(dir);
        const steps: [string, string[]][] = [
          ["npm", ["init", "-y"]],
          ...(kind === "esm" ? ([["npm", ["pkg", "set", "type=module"]]] as [string, string[]][]) : []),
          ["node", [TSC, "--init"]],
          // No --ignore-scripts: a package that ran an install script would show it here.
          ["npm", ["install", tarball, "--no-audit", "--no-fund", "--prefer-offline", "--foreground-scripts"]],
        ];
        for (const [cmd, args] of steps) {
          const step = await run(cmd, args, dir, 120_000);
          if (step.code !== 0) throw new Error(`${cmd} ${args.join(" ")} failed in the ${kind} project:\n${step.stderr.slice(-2000)}`);
          installs[kind] = step;
        }
      }),
    );
    server = await startServer();
  }, 240_000);

  afterAll(async () => {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("publishes only the built client: both module formats, declarations, README and LICENSE", () => {
    expect(files).toEqual(
      expect.arrayContaining([
        "package.json",
        "README.md",
        "LICENSE",
        "dist/esm/contracts/index.js",
        "dist/esm/contracts/index.d.ts",
        "dist/cjs/contracts/index.js",
        "dist/cjs/contracts/index.d.ts",
        "dist/cjs/package.json",
      ]),
    );
    expect(files.filter((f) => !/^(package\.json|README\.md|LICENSE|dist\/(esm|cjs)\/.+)$/.test(f))).toEqual([]);
    // Only the contract, the domain rules it shares and the client: no server code.
    expect(files.filter((f) => /adapters|application|main\.|config\.|openapi\./.test(f))).toEqual([]);
  });

  it("ships source maps that carry only their own file, not the whole source tree", () => {
    const path = join(projects.esm, "node_modules/@lyftr/client/dist/esm/contracts/client.js.map");
    const map = JSON.parse(readFileSync(path, "utf8")) as { sources: string[]; sourcesContent?: string[] };
    expect(map.sources).toHaveLength(1);
    expect(map.sourcesContent?.[0]).toContain("export function createClient");
  });

  it("is ready to publish: not private, licensed, described, with a repository and a build before packing", () => {
    const manifest = JSON.parse(readFileSync(join(PACKAGE, "package.json"), "utf8")) as Record<string, any>;
    expect(manifest.private).toBeUndefined();
    expect(manifest).toMatchObject({ name: "@lyftr/client", license: expect.any(String), description: expect.any(String) });
    expect(manifest.repository?.url).toEqual(expect.any(String));
    expect(manifest.scripts?.prepack).toEqual(expect.any(String));
    expect(Object.keys(manifest.dependencies).sort()).toEqual(["@anatine/zod-openapi", "@ts-rest/core", "zod"]);
  });

  it.each(["esm", "cjs"] as const)("installs into a fresh %s project: at most 15 packages, no server dependency, no install script", (kind) => {
    const tree = installed(projects[kind]);
    expect(tree.has("@lyftr/client")).toBe(true);
    expect(tree.size, [...tree.keys()].join(", ")).toBeLessThanOrEqual(15);
    expect([...tree.keys()].filter((name) => SERVER_ONLY.includes(name))).toEqual([]);
    const withInstallScripts = [...tree].filter(([, p]) => ["preinstall", "install", "postinstall"].some((s) => p.scripts?.[s]));
    expect(withInstallScripts.map(([name]) => name)).toEqual([]);
    expect(installs[kind]!.stdout + installs[kind]!.stderr).not.toMatch(/node-gyp|prebuild-install/);
  });

  it.each(["esm", "cjs"] as const)(
    "type-checks a %s consumer under tsc --init's strict defaults and runs it against a live server",
    async (kind) => {
      const dir = projects[kind];
      writeFileSync(join(dir, "main.ts"), consumer(server.baseUrl, kind));
      const tsc = await run("node", [TSC, "-p", "."], dir, 90_000);
      expect(tsc.stdout + tsc.stderr).toBe("");
      const out = await run("node", ["main.js"], dir, 60_000);
      expect(out.stderr).toBe("");
      const result = JSON.parse(out.stdout) as { ids: string[]; refused: string; route: string };
      expect(result.ids).toEqual(Array.from({ length: 120 }, (_, i) => `${kind}-${String(i).padStart(3, "0")}`));
      expect(result).toMatchObject({ refused: "422", route: "/webhook" });
      // The compiled file really is of its module kind, so each half of the package was the one loaded.
      const emitted = readFileSync(join(dir, "main.js"), "utf8");
      expect(emitted).toMatch(kind === "esm" ? /^import /m : /require\("@lyftr\/client"\)/);
    },
    120_000,
  );

  it.each(["README.md", "packages/client/README.md"])("compiles and runs the example of %s as shown, in the ES module project", async (readme) => {
    const example = /```ts\n([\s\S]*?)```/.exec(readFileSync(join(ROOT, readme), "utf8"))?.[1];
    expect(example, `${readme} has no ts example`).toBeDefined();
    const dir = projects.esm;
    // The only rewrites: the README's service address and secret become the live test server's.
    writeFileSync(join(dir, "example.ts"), example!.replaceAll("http://localhost:8000", server.baseUrl).replaceAll('"change-me"', JSON.stringify(SECRET)));
    const tsc = await run("node", [TSC, "-p", "."], dir, 90_000);
    expect(tsc.stdout + tsc.stderr).toBe("");
    const out = await run("node", ["example.js"], dir, 60_000);
    expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: "" });
    expect(out.stdout).toContain("2025-01-15T10:00:00Z Hello");
    rmSync(join(dir, "example.ts"));
  }, 120_000);

  it("refuses to compile a wrong field type or an undeclared status", async () => {
    const dir = projects.esm;
    writeFileSync(join(dir, "wrong.ts"), WRONG);
    const tsc = await run("node", [TSC, "--noEmit", "-p", "."], dir, 90_000);
    rmSync(join(dir, "wrong.ts"));
    const errors = tsc.stdout.split("\n").filter((l) => /error TS\d+/.test(l));
    expect(errors, tsc.stdout).toEqual([
      expect.stringMatching(/^wrong\.ts\(5,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/),
      expect.stringMatching(/^wrong\.ts\(7,\d+\): error TS2367: .*'418'/),
    ]);
  }, 120_000);
});
