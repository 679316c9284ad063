// Starts and talks to the search thread (search-worker.js): text searches read there, off the serving thread.
import { Worker } from "node:worker_threads";
import type { CompiledQuery } from "kysely";

export interface SearchThread {
  /** Runs the queries in one read transaction on the search thread; rejects when they fail there (the caller may run them itself). */
  read(queries: CompiledQuery[]): Promise<unknown[][]>;
  stop(): Promise<void>;
}

interface Reply {
  id: number;
  rows?: unknown[][];
  error?: string;
}

/** Pages of at most 100 messages of at most 4,096 characters: a small heap holds any answer. */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 4 };

/**
 * `onError` hears of each search the thread could not answer (the serving thread then answers it):
 * searches stay exact, but such a search holds up the webhooks again, and an operator should know.
 */
export function startSearchThread(workerData: { databasePath: string; indexPath: string; lower: string }, onError: (error: Error) => void): SearchThread {
  const pending = new Map<number, { resolve: (rows: unknown[][]) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let stopping = false;
  let running: { worker: Worker; exited: Promise<unknown> } | undefined;

  const start = () => {
    // From src/ (tests) or dist/ alike: the worker is plain JavaScript beside this module.
    const worker = new Worker(new URL("./search-worker.js", import.meta.url), { workerData, resourceLimits: RESOURCE_LIMITS, execArgv: [] });
    worker.on("message", ({ id, rows, error }: Reply) => {
      const waiting = pending.get(id);
      pending.delete(id);
      if (pending.size === 0) worker.unref();
      if (error === undefined) return waiting?.resolve(rows ?? []);
      const failure = new Error(`search thread: ${error}`);
      onError(failure);
      waiting?.reject(failure);
    });
    // A thread that died (out of memory, say) fails what it held; the next search starts another.
    worker.on("error", (error) => onError(new Error(`search thread stopped: ${error.message}`)));
    const exited = new Promise((resolve) => worker.once("exit", resolve)).then(() => {
      running = undefined;
      for (const [id, waiting] of pending) {
        pending.delete(id);
        waiting.reject(new Error("search thread exited"));
      }
    });
    worker.unref();
    return (running = { worker, exited });
  };

  return {
    read(queries) {
      if (stopping) return Promise.reject(new Error("search thread stopped"));
      const { worker } = running ?? start();
      const id = nextId++;
      // Held while a search is under way, so that the process waits for its answer.
      worker.ref();
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, queries: queries.map((q) => ({ sql: q.sql, parameters: q.parameters })) });
      });
    },
    async stop() {
      stopping = true;
      if (!running) return;
      const { worker, exited } = running;
      worker.ref();
      worker.postMessage("stop");
      await exited;
    },
  };
}
