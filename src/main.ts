// Entry: config, then either the service in this process (serve.ts) or, with WORKERS > 1, the primary that forks its workers (cluster-primary.ts).
import cluster from "node:cluster";
import { createLogger } from "./adapters/log/create-logger.js";
import { runPrimary } from "./adapters/process/cluster-primary.js";
import { ConfigError, loadConfig } from "./config.js";

/** How long a process's requests in flight may take after SIGTERM/SIGINT; a primary waits for its workers that long and a little more. */
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  const logger = createLogger(config.logLevel);
  if (config.workers > 1 && cluster.isPrimary) {
    return runPrimary({ workers: config.workers, logger, graceMs: SHUTDOWN_GRACE_MS });
  }
  // Loaded only here: a primary that serves nothing needs none of it (some 30 MB less).
  const { serve } = await import("./serve.js");
  await serve(config, logger, { graceMs: SHUTDOWN_GRACE_MS });
}

void main();
