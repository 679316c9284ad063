// `npm start` as a newcomer runs it: up at once from the build, a listening line with the URLs, stopped by SIGTERM to npm itself.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { SECRET } from "../scale/support.js";
import { deadline, exitOf, refuses, tempDatabase } from "./support.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const databases: Array<ReturnType<typeof tempDatabase>> = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  databases.forEach((d) => d.remove());
});

interface Started {
  npm: ChildProcess;
  /** The JSON log lines, once they arrive; npm's own banner lines are skipped. */
  lines: Array<Record<string, unknown>>;
  stderr: () => string;
}

function npmStart(env: Record<string, string>): Started {
  const db = tempDatabase("npm-start");
  databases.push(db);
  const npm = spawn("npm", ["start"], {
    cwd: ROOT,
    env: { ...process.env, HOST: "127.0.0.1", WEBHOOK_SECRET: SECRET, DATABASE_URL: db.url, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(npm);
  const lines: Array<Record<string, unknown>> = [];
  let stderr = "";
  npm.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  createInterface({ input: npm.stdout! }).on("line", (line) => {
    if (line.startsWith("{")) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  return { npm, lines, stderr: () => stderr };
}

async function listening(started: Started) {
  return deadline(
    (async () => {
      for (;;) {
        const line = started.lines.find((l) => String(l.msg).startsWith("listening"));
        if (line) return line;
        if (started.npm.exitCode !== null) throw new Error(`npm start exited ${started.npm.exitCode}: ${started.stderr()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })(),
    30_000,
    "the listening line",
  );
}

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("npm start", () => {
  it("serves within a few seconds (no compile step), logs its URL and docs URL, and stops on SIGTERM to npm", async () => {
    const began = Date.now();
    const started = npmStart({ PORT: "0" });
    const line = await listening(started);
    // A compile on start took ~17 s; starting the build takes well under that even on a busy machine.
    expect(Date.now() - began).toBeLessThan(15_000);
    const port = Number(line.port);
    expect(line).toMatchObject({ url: `http://127.0.0.1:${port}`, docs: `http://127.0.0.1:${port}/docs` });
    expect(String(line.msg)).toContain(`http://127.0.0.1:${port}/docs`);
    expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200);

    started.npm.kill("SIGTERM");
    const exit = await exitOf(started.npm, 30_000);
    expect(exit.code).toBe(0);
    expect(await refuses(port)).toBe(true);
    expect(isRunning(Number(line.pid)), "the node server outlived npm").toBe(false);
    expect(started.lines.some((l) => l.msg === "shutting down" && l.signal === "SIGTERM")).toBe(true);
  }, 60_000);

  it("says in one line that the port is taken, names PORT and HOST, and exits 1 without a stack trace", async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const started = npmStart({ PORT: String(port) });
      const exit = await exitOf(started.npm, 30_000);
      expect(exit.code).not.toBe(0);
      const own = started
        .stderr()
        .split("\n")
        .filter((l) => l.trim() !== "" && !l.startsWith("npm "));
      expect(own).toEqual([`cannot listen on 127.0.0.1:${port}: the address is already in use (is another instance running?) (set PORT or HOST)`]);
      expect(started.stderr()).not.toMatch(/\n\s+at |Error:/);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  }, 60_000);
});
