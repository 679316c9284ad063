// One server process under test (with --workers, its workers too): spawn-to-ready time, RSS and CPU from /proc, a bounded stop. Stdout goes to /dev/null, or with --workers to a temp file.
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import http from "node:http";
import net from "node:net";
import { fileURLToPath } from "node:url";
import { trackChild } from "./cleanup.mjs";

const SCRIPTS = {
  app: fileURLToPath(new URL("../dist/main.js", import.meta.url)),
  baseline: fileURLToPath(new URL("./baseline-server.mjs", import.meta.url)),
  "baseline-pg": fileURLToPath(new URL("./baseline-server-pg.mjs", import.meta.url)),
};
const ROOT = fileURLToPath(new URL("..", import.meta.url));
/**
 * The flags production runs the service with (Dockerfile CMD, npm start; a test keeps the three
 * alike). V8 sizes a heap for speed on a machine with memory to spare: the old generation grows to
 * several times what survives a full collection, and the young one to 2 × 16 MB. Under ingest at
 * c=64 that is a 90 MB heap holding 30 MB, and a peak RSS of 180–190 MB. Growing the old
 * generation by a fifth of what survives, with a young generation of 2 × 4 MB, keeps the peak near
 * 111–131 MB. The price is marking under way most of the time, which slows the code as well as
 * collecting: 0.39–0.44 ms of CPU per webhook against 0.32–0.38 ms without the growing flag
 * (interleaved runs, README "Performance").
 */
export const APP_NODE_FLAGS = ["--max-semi-space-size=4", "--heap-growing-percent=20"];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** Settings every app server gets on top of its own (run.mjs: `--workers` sets WORKERS). */
export const appEnv = {};

export const freePort = () =>
  new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

/** One GET on a connection of its own (no keep-alive left behind to delay the server's shutdown). */
export const httpGet = (port, path, timeoutMs = 2_000) =>
  new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path, agent: false, timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode, body }));
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on("error", reject);
  });

/** The process and its children: with WORKERS > 1 the primary's workers do the serving. */
const family = (pid) => {
  const children = [];
  try {
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (Number(readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1].split(" ")[1]) === pid) children.push(Number(entry));
      } catch {}
    }
  } catch {}
  return [pid, ...children];
};

const memoryKbOne = (pid) => {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0);
    return { rss: field("VmRSS"), hwm: field("VmHWM") };
  } catch {
    return { rss: 0, hwm: 0 };
  }
};

/** VmRSS and VmHWM summed over processes (the sum of HWMs: an upper bound of the peak). */
const memoryKb = (pids) => pids.map(memoryKbOne).reduce((a, b) => ({ rss: a.rss + b.rss, hwm: a.hwm + b.hwm }), { rss: 0, hwm: 0 });

/** CPU time processes have used, in ms. */
export const cpuMs = (pids) => pids.reduce((sum, p) => sum + cpuMsOne(p), 0);

/** CPU time one process has used, in ms (utime + stime in clock ticks; 100 per second on Linux). */
const cpuMsOne = (pid) => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
};

export async function startServer(kind, { env, readyTimeoutMs = 60_000 }) {
  const port = await freePort();
  const workers = kind === "app" ? Number(appEnv.WORKERS ?? env.WORKERS ?? 1) : 1;
  // With --workers (1 included, so that both sides of a comparison pay alike), stdout goes to a file
  // read for the workers' "listening" lines: ready means every worker listens, not just the first.
  const stdoutFile = kind === "app" && appEnv.WORKERS !== undefined ? join(tmpdir(), `lyftr-bench-stdout-${process.pid}-${port}.log`) : null;
  const stdoutFd = stdoutFile ? openSync(stdoutFile, "w") : "ignore";
  const listening = () => (stdoutFile ? readFileSync(stdoutFile, "utf8").split('"msg":"listening').length - 1 : Infinity);
  const started = performance.now();
  const child = trackChild(
    spawn(process.execPath, [...(kind === "app" ? APP_NODE_FLAGS : []), SCRIPTS[kind]], {
      cwd: ROOT,
      // Production-like and nothing inherited by accident (no DATABASE_URL or READ_API_TOKEN from the caller's shell).
      env: { PATH: process.env.PATH, NODE_ENV: "production", HOST: "127.0.0.1", PORT: String(port), LOG_LEVEL: "info", ...(kind === "app" ? appEnv : {}), ...env },
      stdio: ["ignore", stdoutFd, "pipe"],
    }),
  );
  if (typeof stdoutFd === "number") closeSync(stdoutFd);
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => (stderr = (stderr + chunk).slice(-4_000)));
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  if (stdoutFile) exited.then(() => rmSync(stdoutFile, { force: true }));
  let exit = null;
  exited.then((e) => (exit = e));

  let readyMs = null;
  while (readyMs === null) {
    if (exit) throw new Error(`${kind} server exited (${exit.code ?? exit.signal}) before ready: ${stderr.trim()}`);
    if (performance.now() - started > readyTimeoutMs) {
      child.kill("SIGKILL");
      throw new Error(`${kind} server not ready after ${readyTimeoutMs} ms: ${stderr.trim()}`);
    }
    const status = await httpGet(port, "/health/ready", 1_000).then((r) => r.status, () => 0);
    if (status === 200 && listening() >= workers) readyMs = performance.now() - started;
    else await sleep(5);
  }
  /** The processes measured: the server, and with WORKERS > 1 its workers (scanned for when a sample starts). */
  let members = [child.pid];
  const refresh = () => (members = workers > 1 ? family(child.pid) : [child.pid]);
  refresh();

  return {
    kind,
    port,
    pid: child.pid,
    readyMs,
    stderr: () => stderr,
    get alive() {
      return exit === null;
    },
    /** VmRSS and VmHWM now, in kB, the workers' included (zeros once the process is gone). */
    memory: () => memoryKb(refresh()),
    /**
     * Peak RSS over a stretch of time (/proc's high-water mark reset at the start when allowed, else 100 ms
     * samples), and CPU time spent: per request it is steadier than req/s when neighbours take the cores.
     */
    sample() {
      const cpuStart = cpuMs(refresh());
      let resetWorked = false;
      try {
        for (const pid of members) writeFileSync(`/proc/${pid}/clear_refs`, "5");
        resetWorked = true;
      } catch {}
      let peak = memoryKb(members).rss;
      const timer = setInterval(() => (peak = Math.max(peak, memoryKb(members).rss)), 100);
      return () => {
        clearInterval(timer);
        const now = memoryKb(members);
        return {
          peakKb: Math.max(peak, now.rss, resetWorked ? now.hwm : 0),
          source: resetWorked ? "VmHWM" : "VmRSS samples",
          cpuMs: cpuMs(members) - cpuStart,
        };
      };
    },
    /** Whether the server answers again within limitMs: abandoned slow requests may still be queued in it. */
    async settle(limitMs) {
      const begun = performance.now();
      while (performance.now() - begun < limitMs) {
        if (exit) throw new Error(`${kind} server exited (${exit.code ?? exit.signal}): ${stderr.trim()}`);
        const status = await httpGet(port, "/health/live", Math.max(100, limitMs - (performance.now() - begun))).then((r) => r.status, () => 0);
        if (status === 200) return true;
        await sleep(50);
      }
      return false;
    },
    /** SIGTERM (the app drains, then closes its database), SIGKILL if that takes over 15 s; `force` skips the courtesy. */
    async stop({ force = false } = {}) {
      const hwmKb = memoryKb(members).hwm;
      if (exit) return { ...exit, hwmKb };
      child.kill(force ? "SIGKILL" : "SIGTERM");
      const timeout = (ms) => sleep(ms).then(() => null);
      let result = await Promise.race([exited, timeout(15_000)]);
      if (!result) {
        child.kill("SIGKILL");
        result = (await Promise.race([exited, timeout(5_000)])) ?? { code: null, signal: "SIGKILL (stuck)" };
      }
      return { ...result, hwmKb };
    },
  };
}
