// WORKERS > 1: the primary process forks the workers that serve the shared port, replaces one that dies, and passes SIGTERM/SIGINT on.
import cluster, { type Worker } from "node:cluster";
import type { LineLogger } from "../log/quiet-repeats.js";

export interface PrimaryOptions {
  workers: number;
  logger: LineLogger;
  /** A worker's own grace period for draining; the primary waits this long and a little more before it kills what is left. */
  graceMs: number;
}

/** The environment variable that tells a worker its slot (read in config.ts); slot 0 runs retention. */
export const WORKER_SLOT_VARIABLE = "LYFTR_WORKER_SLOT";
/** A worker that died while serving is replaced after this long: a fault that kills at once does not become a fork loop. */
const RESTART_MS = 1_000;
/** Beyond the workers' grace period, before the primary kills the workers still running and exits 1. */
const EXTRA_GRACE_MS = 5_000;

/**
 * Forks `workers` processes running this same script, each serving the port (node:cluster hands
 * connections out in turn): the first, then the others once it listens. A worker that exits
 * before it has ever listened is a start-up failure (a bad database path, a port in use: its own
 * log line says which), and stops the whole service with exit code 1, rather than forking again
 * and again. One that dies after it served is logged
 * and replaced in its slot. SIGTERM or SIGINT goes to every worker, each drains its requests, and
 * the primary exits 0 once all of them have exited 0 (1 otherwise).
 */
export function runPrimary({ workers, logger, graceMs }: PrimaryOptions): void {
  const running = new Map<Worker, number>();
  const restarts = new Set<NodeJS.Timeout>();
  let stopping = false;
  let failed = false;
  /** Whether the workers after the first have been forked. */
  let started = false;

  const fork = (slot: number) => {
    const worker = cluster.fork({ [WORKER_SLOT_VARIABLE]: String(slot) });
    let listened = false;
    running.set(worker, slot);
    worker.once("listening", () => {
      listened = true;
      if (slot === 0 && !started && !stopping) {
        started = true;
        for (let next = 1; next < workers; next++) fork(next);
      }
    });
    worker.once("exit", (code, signal) => {
      running.delete(worker);
      const fields = { worker: slot, pid: worker.process.pid, code, signal };
      if (stopping) {
        if (code !== 0) failed = true;
      } else if (!listened) {
        logger.error(fields, "a worker stopped before it served; stopping the service");
        failed = true;
        stop("start-up failure");
      } else {
        logger.error(fields, `worker ${slot} exited unexpectedly; a new one replaces it in ${RESTART_MS} ms`);
        const timer = setTimeout(() => (restarts.delete(timer), fork(slot)), RESTART_MS);
        restarts.add(timer);
      }
      if (stopping && running.size === 0) process.exit(failed ? 1 : 0);
    });
  };

  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    restarts.forEach(clearTimeout);
    restarts.clear();
    logger.info({ signal: reason, workers: running.size }, `stopping ${running.size} workers`);
    setTimeout(() => {
      logger.error({ workers: running.size }, "workers still running after the grace period; killing them");
      for (const worker of running.keys()) worker.process.kill("SIGKILL");
      process.exit(1);
    }, graceMs + EXTRA_GRACE_MS).unref();
    // The signal itself, not worker.kill(): that would first disconnect the worker, which closes
    // its server without the drain its own handler runs.
    for (const worker of running.keys()) worker.process.kill(reason === "SIGINT" ? "SIGINT" : "SIGTERM");
    if (running.size === 0) process.exit(failed ? 1 : 0);
  };

  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  logger.info({ workers }, `starting ${workers} workers`);
  // The first alone, the others once it listens: it brings the schema up to date, so the others
  // find it current instead of queueing for the migration lock, and a bad setting stops one worker.
  fork(0);
}
