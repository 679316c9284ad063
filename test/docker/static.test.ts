// Dockerfile, compose files, .dockerignore and the README's Docker section, checked as text (no Docker engine here).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
// The flags the bench runs the service with. A computed specifier keeps tsc from type-checking the bench's scripts.
const BENCH_SERVER: string = "../../bench/server-process.mjs";
const { APP_NODE_FLAGS } = (await import(BENCH_SERVER)) as { APP_NODE_FLAGS: string[] };
const read = (file: string) => readFileSync(join(ROOT, file), "utf8");

interface Service {
  build?: unknown;
  image?: string;
  ports?: (string | { target: number; published: string | number })[];
  environment?: Record<string, string> | string[];
  volumes?: (string | { type?: string; source?: string; target: string })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[] };
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}
// merge: true resolves the `<<: *app` anchors the postgres file uses, as Docker Compose does.
const compose = (file: string) => parse(read(file), { merge: true }) as Compose;

const env = (s: Service): Record<string, string> =>
  Array.isArray(s.environment)
    ? Object.fromEntries(s.environment.map((e) => [e.split("=")[0]!, e.slice(e.indexOf("=") + 1)]))
    : (s.environment ?? {});
const ports = (s: Service) =>
  (s.ports ?? []).map((p) => (typeof p === "string" ? p.replace(/^"|"$/g, "") : `${p.published}:${p.target}`));
// `${WEBHOOK_SECRET}`, `${WEBHOOK_SECRET:?msg}`, `${WEBHOOK_SECRET:-}`: taken from the caller's environment, never a literal.
const fromEnvironment = (value: string | undefined, name: string) =>
  new RegExp(`^\\$\\{${name}(:?[?-][^}]*)?\\}$`).test(value ?? "");

describe("docker-compose.yml (SQLite)", () => {
  const file = compose("docker-compose.yml");
  const app = file.services.api!;

  it("has exactly the api service (the name `make logs` follows), built from this directory", () => {
    expect(Object.keys(file.services)).toEqual(["api"]);
    expect(app.build).toBeDefined();
  });

  it("publishes port 8000", () => {
    expect(ports(app)).toContain("8000:8000");
  });

  it("mounts a named data volume at /app/data", () => {
    const mounts = (app.volumes ?? []).map((v) => (typeof v === "string" ? v : `${v.source}:${v.target}`));
    const data = mounts.find((m) => m.split(":")[1] === "/app/data");
    expect(data, `no volume at /app/data in ${JSON.stringify(mounts)}`).toBeDefined();
    expect(Object.keys(file.volumes ?? {})).toContain(data!.split(":")[0]);
  });

  it("takes WEBHOOK_SECRET from the environment and keeps SQLite on the volume", () => {
    expect(fromEnvironment(env(app).WEBHOOK_SECRET, "WEBHOOK_SECRET"), String(env(app).WEBHOOK_SECRET)).toBe(true);
    expect(env(app).DATABASE_URL).toMatch(/^sqlite:\/\/\/\/app\/data\/[^/]+\.db$/);
  });
});

describe("docker-compose.postgres.yml (scale-out)", () => {
  const file = compose("docker-compose.postgres.yml");
  const apps = Object.entries(file.services).filter(([name]) => name !== "postgres");

  it("has a postgres service with a pg_isready healthcheck", () => {
    const pg = file.services.postgres;
    expect(pg?.image).toMatch(/^postgres:\d+/);
    expect([pg?.healthcheck?.test].flat().join(" ")).toMatch(/pg_isready/);
  });

  it("runs two app instances, each waiting for postgres to be healthy", () => {
    expect(apps.map(([name]) => name).sort()).toEqual(["api", "api-2"]);
    for (const [name, s] of apps) {
      expect(s.build, name).toBeDefined();
      expect(s.depends_on, name).toEqual({ postgres: { condition: "service_healthy" } });
    }
  });

  it("maps each instance's port 8000 to its own host port", () => {
    const published = apps.map(([, s]) => ports(s));
    expect(published).toEqual([["8001:8000"], ["8002:8000"]]);
  });

  it("passes the password beside the URL (PGPASSWORD), so @, : or / in it cannot break the URL", () => {
    const password = env(file.services.postgres!).POSTGRES_PASSWORD;
    for (const [name, s] of apps) {
      expect(env(s).DATABASE_URL, name).not.toContain("${");
      expect(new URL(env(s).DATABASE_URL!).password, name).toBe("");
      expect(env(s).PGPASSWORD, name).toBe(password);
    }
  });

  it("gives every instance the secret from the environment and a postgres DATABASE_URL on the service", () => {
    for (const [name, s] of apps) {
      expect(fromEnvironment(env(s).WEBHOOK_SECRET, "WEBHOOK_SECRET"), name).toBe(true);
      expect(new URL(env(s).DATABASE_URL!.replace(/\$\{[^}]*\}/g, "x")).host, name).toBe("postgres:5432");
      expect(env(s).DATABASE_URL, name).toMatch(/^postgres(ql)?:\/\//);
    }
  });
});

interface Stage {
  from: string;
  name: string | undefined;
  lines: string[];
}
// Joins backslash continuations and drops comments, then splits the file at each FROM.
function stages(dockerfile: string): Stage[] {
  const lines = dockerfile
    .replace(/\\\r?\n/g, " ")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const out: Stage[] = [];
  for (const line of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) out.push({ from: from[1]!, name: from[2], lines: [] });
    else out.at(-1)?.lines.push(line);
  }
  return out;
}
const instr = (stage: Stage, keyword: string) =>
  stage.lines.filter((l) => l.toUpperCase().startsWith(`${keyword} `)).map((l) => l.slice(keyword.length + 1).trim());

describe("Dockerfile", () => {
  const all = stages(read("Dockerfile"));
  const build = all[0]!;
  const runtime = all.at(-1)!;

  it("is multi-stage: a build stage and a runtime stage", () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(build.name).toBeDefined();
    expect(runtime).not.toBe(build);
  });

  it("builds on an LTS Node image (even major, 22 or later) in both stages", () => {
    for (const stage of [build, runtime]) {
      const major = Number(/^node:(\d+)/.exec(stage.from)?.[1]);
      expect(major, stage.from).toBeGreaterThanOrEqual(22);
      expect(major % 2, stage.from).toBe(0);
    }
  });

  it("runs npm ci and npm run build in the build stage", () => {
    const run = instr(build, "RUN").join(" && ");
    expect(run).toMatch(/\bnpm ci\b/);
    expect(run).toMatch(/\bnpm run build\b/);
  });

  it("copies only package.json, node_modules, dist and the built client workspace into the runtime stage", () => {
    const copied = instr(runtime, "COPY").map((c) => c.split(/\s+/).filter((w) => !w.startsWith("--")).slice(0, -1));
    const sources = copied.flat().map((s) => s.replace(/^\/app\//, "").replace(/\/$/, ""));
    expect(sources.sort()).toEqual(["dist", "node_modules", "package.json", "packages/client/dist", "packages/client/package.json"]);
    expect(instr(runtime, "COPY").every((c) => /--from=/.test(c)), "runtime copies from the build stage only").toBe(true);
  });

  it("runs as a user other than root", () => {
    const user = instr(runtime, "USER").at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
  });

  it("exposes 8000, health-checks /health/ready and starts node dist/main.js with the flags the bench measures", () => {
    expect(instr(runtime, "EXPOSE")).toEqual(["8000"]);
    expect(instr(runtime, "HEALTHCHECK").join(" ")).toMatch(/\/health\/ready/);
    const cmd = instr(runtime, "CMD").at(-1) ?? "";
    const argv = cmd.startsWith("[") ? (JSON.parse(cmd) as string[]) : cmd.split(/\s+/);
    expect(argv).toEqual(["node", ...APP_NODE_FLAGS, "dist/main.js"]);
  });

  it("npm start runs the service with the same flags", () => {
    const start = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts.start ?? "";
    expect(start).toContain(["node", ...APP_NODE_FLAGS, "dist/main.js"].join(" "));
  });
});

describe("Makefile (the original assignment's operator commands)", () => {
  const targets = new Map(
    [...read("Makefile").matchAll(/^([a-z]+):\n\t(.+)$/gm)].map((m) => [m[1]!, m[2]!.replace("$(COMPOSE)", "docker compose")]),
  );
  const defaultCompose = /^COMPOSE \?= (.+)$/m.exec(read("Makefile"))?.[1];

  it("drives docker compose by default", () => {
    expect(defaultCompose).toBe("docker compose");
  });

  it.each([
    ["up", "docker compose up -d --build"],
    ["down", "docker compose down -v"],
    ["logs", "docker compose logs -f api"],
  ])("make %s runs `%s`", (target, command) => {
    expect(targets.get(target)).toBe(command);
  });

  it("make test runs the README's test command", () => {
    const quickstart = /^## Quickstart\n([\s\S]*?)(?=^## )/m.exec(read("README.md"))?.[1] ?? "";
    expect(quickstart).toContain(targets.get("test"));
    expect(quickstart).toMatch(/\bmake up\b/);
  });
});

describe("README and .dockerignore agree with the files", () => {
  it("documents docker compose up and port 8000 in its Docker section", () => {
    const section = /^## Docker\n([\s\S]*?)(?=^## )/m.exec(read("README.md"))?.[1] ?? "";
    expect(section, "README has no ## Docker section").not.toBe("");
    expect(section).toMatch(/docker compose up/);
    expect(section).toMatch(/\b8000\b/);
    expect(section).toContain(["node", ...APP_NODE_FLAGS, "dist/main.js"].join(" "));
  });

  it("keeps node_modules, data and .git out of the build context", () => {
    const ignored = read(".dockerignore")
      .split(/\r?\n/)
      .map((l) => l.trim().replace(/^\/|\/$/g, ""))
      .filter((l) => l && !l.startsWith("#"));
    expect(ignored).toEqual(expect.arrayContaining(["node_modules", "data", ".git"]));
  });
});
