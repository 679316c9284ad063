// Runs bench/load.mjs in a child process (so load and server never share an event loop) and waits for it, bounded.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { trackChild } from "./cleanup.mjs";

const LOAD = fileURLToPath(new URL("./load.mjs", import.meta.url));

export function runLoad(config) {
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
        resolve(JSON.parse(stdout));
      } catch {
        reject(new Error(`load generator printed no result: ${stderr.trim()}`));
      }
    });
  });
}
