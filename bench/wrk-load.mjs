// The load generator when wrk is at hand: pre-signed ingest requests and read paths in files, wrk's figures and CPU share back as JSON.
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { trackChild } from "./cleanup.mjs";
import { message } from "./dataset.mjs";
import { INGEST_LUA, PACED_FLOOD_LUA, PATHS_LUA, STATIC_LUA } from "./wrk-scripts.mjs";

/**
 * Requests made ready per second of load, well above what this machine ingests (a few thousand a
 * second): a thread that ran out would have to re-send, and says so in the result.
 */
const INGEST_RATE_CEILING = 30_000;

const round = (x) => Math.round(x * 100) / 100;

/** CPU time (ms) of the children a process has waited for: cutime + cstime, 100 clock ticks a second. */
const childrenCpuMs = (stat) => {
  const fields = stat.split(") ")[1].split(" ");
  return (Number(fields[13]) + Number(fields[14])) * 10;
};

/**
 * The file of `signature TAB body` lines the ingest script sends, each a new message except, with
 * dupRatio, every n-th: a byte-for-byte re-send of one of the recent ones. Returns the ids, in order.
 */
function writeIngestFile(path, { secret, count, firstIndex, dupRatio, poolSize, idPrefix, indexBase }) {
  const dupEvery = dupRatio > 0 ? Math.round(1 / dupRatio) : 0;
  const sign = (body) => createHmac("sha256", secret).update(body).digest("hex");
  const lines = [];
  const ids = [];
  const pool = [];
  let created = 0;
  for (let k = 0; k < count; k++) {
    let entry;
    if (dupEvery > 0 && pool.length > 0 && (k + 1) % dupEvery === 0) {
      entry = pool[Math.floor(Math.random() * pool.length)];
    } else {
      const n = firstIndex + created++;
      const { message_id, from, to, ts, text } = message(indexBase + n, `${idPrefix}-${n}`);
      const body = JSON.stringify(text === null ? { message_id, from, to, ts } : { message_id, from, to, ts, text });
      entry = { id: message_id, line: `${sign(body)}\t${body}` };
      if (pool.length < poolSize) pool.push(entry);
      else pool[created % pool.length] = entry;
    }
    lines.push(entry.line);
    ids.push(entry.id);
  }
  writeFileSync(path, lines.join("\n") + "\n");
  return ids;
}

/** One wrk run under `sh`, which reads its own /proc stat afterwards: the CPU wrk used, exactly, however short the run. */
function wrk(path, args, limitMs) {
  const dir = mkdtempSync(join(tmpdir(), "lyftr-wrk-cpu-"));
  const statFile = join(dir, "stat");
  const started = performance.now();
  const child = trackChild(
    spawn("sh", ["-c", 'wrk_path="$1"; stat="$2"; shift 2; "$wrk_path" "$@"; code=$?; cat /proc/$$/stat > "$stat"; exit $code', "sh", path, statFile, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    }),
  );
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk) => (stderr = (stderr + chunk).slice(-4_000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), limitMs);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      try {
        const line = stdout.split("\n").find((l) => l.startsWith("WRK_JSON "));
        if (code !== 0 || !line) throw new Error(`wrk failed (${code ?? signal}): ${stderr.trim() || stdout.trim()}`);
        const cpuMs = childrenCpuMs(readFileSync(statFile, "utf8"));
        resolve({ ...JSON.parse(line.slice("WRK_JSON ".length)), cpuMs, wallMs });
      } catch (error) {
        reject(error);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

/** wrk's figures in the shape load.mjs gives autocannon's. */
function figures(w, statuses) {
  const duration = w.duration_us / 1e6;
  const count = (c) => [...statuses].reduce((n, s) => n + (s === c ? 1 : 0), 0);
  const non2xx = statuses === null ? w.status : count("x");
  return {
    duration_s: round(duration),
    responses: w.requests,
    rps: ((rps) => (rps < 10 ? Math.round(rps * 10) / 10 : Math.round(rps)))(w.requests / duration),
    latency_ms: { p50: round(w.p50 / 1000), p90: round(w.p90 / 1000), p99: round(w.p99 / 1000), max: round(w.max / 1000) },
    status: statuses === null ? { "<400": w.requests - w.status, ">=400": w.status } : { 200: count("2"), other: non2xx },
    non2xx,
    errors: w.connect + w.read + w.write,
    timeouts: w.timeout,
    generator: "wrk",
    // Percent of one core, spawn to exit: near 100 would mean wrk, not the server, limits req/s.
    loadgen_cpu_pct: Math.round((w.cpuMs / w.wallMs) * 100),
  };
}

export async function runWrk(wrkPath, config) {
  const dir = mkdtempSync(join(tmpdir(), "lyftr-wrk-"));
  try {
    const ingest = config.ingest;
    // One thread, the lightest: ingest answers map onto their lines by the X-Request-Id they carry back.
    const script = join(dir, "load.lua");
    const limitMs = (s) => (s + config.timeoutS) * 1000 + 60_000;
    const base = (s) => ["-t", "1", "-c", String(config.connections), "-d", `${s}s`, "--timeout", `${config.timeoutS}s`, "-s", script];
    const url = `http://127.0.0.1:${config.port}`;

    if (config.flood) {
      const body = join(dir, "flood.json");
      writeFileSync(body, JSON.stringify(message(0, "flood")));
      writeFileSync(script, PACED_FLOOD_LUA);
      const run = async (s) => figures(await wrk(wrkPath, [...base(s), `${url}/webhook`, "--", String(config.flood.rate), body], limitMs(s)), null);
      const warmup = config.warmupS > 0 ? await run(config.warmupS) : null;
      return { warmup, measured: await run(config.durationS) };
    }

    if (!ingest) {
      const paths = join(dir, "paths.txt");
      writeFileSync(paths, config.paths.join("\n") + "\n");
      writeFileSync(script, config.paths.length > 1 ? PATHS_LUA : STATIC_LUA);
      const target = config.paths.length > 1 ? url : url + config.paths[0];
      const run = async (s) => figures(await wrk(wrkPath, [...base(s), target, "--", paths], limitMs(s)), null);
      const warmup = config.warmupS > 0 ? await run(config.warmupS) : null;
      return { warmup, measured: await run(config.durationS) };
    }

    writeFileSync(script, INGEST_LUA);
    const sent = new Set();
    const answered = new Set();
    const acked = new Set();
    let exhausted = 0;
    let reconnects = 0;
    let firstIndex = 0;
    const run = async (s) => {
      const file = join(dir, "lines.tsv");
      const count = INGEST_RATE_CEILING * s + 16;
      const ids = writeIngestFile(file, { secret: config.secret, count, firstIndex, ...ingest });
      firstIndex += count;
      const w = await wrk(wrkPath, [...base(s), url, "--", file], limitMs(s));
      rmSync(file, { force: true });
      // A reconnect (read or write error) loses a request without an answer; the ids still map the rest.
      if (w.connect + w.read + w.write > 0) reconnects += w.connect + w.read + w.write;
      const [t] = w.threads;
      const idAt = (k) => ids[Math.min(k, ids.length - 1)];
      if (t.exhausted) exhausted++;
      // wrk calls request() once before any connection opens, only to check that the answer parses
      // (script_verify_request, wrk 4.x): the first line is never sent.
      for (let k = 1; k < t.sent; k++) {
        sent.add(idAt(k));
        if (t.statuses[k] === ".") continue;
        answered.add(idAt(k));
        if (t.statuses[k] === "2") acked.add(idAt(k));
      }
      return figures(w, t.statuses.slice(1).replaceAll(".", ""));
    };
    const warmup = config.warmupS > 0 ? await run(config.warmupS) : null;
    const measured = await run(config.durationS);
    const unanswered = [...sent].filter((id) => !answered.has(id));
    writeFileSync(ingest.ackedFile, [...acked].join("\n"));
    writeFileSync(ingest.unansweredFile, unanswered.join("\n"));
    return {
      warmup,
      measured,
      ingest: {
        distinct_sent: sent.size,
        distinct_acked: acked.size,
        distinct_unanswered: unanswered.length,
        exhausted_threads: exhausted,
        ...(reconnects > 0 && { reconnect_errors: reconnects }),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
