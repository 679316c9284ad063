// Runs the load generator in a child process (so load and server never share an event loop) and waits for it, bounded:
// wrk when the run found it (config.wrk, its path) for closed-loop load and the flood; autocannon (bench/load.mjs) otherwise.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { trackChild } from "./cleanup.mjs";
import { runWrk } from "./wrk-load.mjs";

const LOAD = fileURLToPath(new URL("./load.mjs", import.meta.url));

export function runLoad({ wrk, ...config }) {
  // wrk has no fixed request rate (wrk2 does): a paced Lua script gives the flood one, but steady
  // ingest, whose latency is the figure, stays with autocannon's open-loop rate.
  if (wrk && !config.ingest?.rate) return runWrk(wrk, config);
  const limitMs = (config.warmupS + config.durationS + config.timeoutS) * 1000 + 60_000;
  const child = trackChild(spawn(process.execPath, [LOAD, JSON.stringify(config)], { stdio: ["pipe", "pipe", "pipe"] }));
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk) => (stderr = (stderr + chunk).slice(-4_000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`load generator still running after ${limitMs} ms`));
    }, limitMs);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`load generator failed (${code ?? signal}): ${stderr.trim()}`));
      try {
        const result = JSON.parse(stdout);
        for (const run of [result.warmup, result.measured]) if (run) run.generator = "autocannon";
        resolve(result);
      } catch {
        reject(new Error(`load generator printed no result: ${stderr.trim()}`));
      }
    });
  });
}
