// Runs the database's background thread (text index, WAL checkpoints): started once the schema is current, started again if it dies, stopped on close.
import { Worker } from "node:worker_threads";

export interface TextIndexer {
  /** Lets the worker finish its step, close its connections and exit. */
  stop(): Promise<void>;
}

export interface TextIndexerEvents {
  /** A step failed; the worker tries again shortly. */
  onError: (error: Error) => void;
  /** The index file is damaged; the worker waits to be stopped while it is replaced. */
  onDamaged: (error: Error) => void;
}

/** What the worker posts when a step fails (background-worker.js). */
interface Report {
  damaged: boolean;
  message: string;
}

/** A worker that died (out of memory, say) is replaced after this long: searches stay exact meanwhile, only slower. */
const RESTART_MS = 1_000;
/**
 * The worker holds one text at a time; a small heap keeps the process within its memory budget
 * (V8 would otherwise size a worker's heap like the main thread's).
 */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 };

export function startTextIndexer(
  paths: { databasePath: string; indexPath: string },
  { onError, onDamaged }: TextIndexerEvents,
): TextIndexer {
  let stopping = false;
  let running: { worker: Worker; exited: Promise<unknown> } | undefined;
  let restart: NodeJS.Timeout | undefined;

  const start = () => {
    // From src/ (tests) or dist/ alike: the worker is plain JavaScript beside this module.
    const worker = new Worker(new URL("./background-worker.js", import.meta.url), {
      workerData: paths,
      resourceLimits: RESOURCE_LIMITS,
      // Not the process's own flags: some (--input-type, say) make a worker fail at start.
      execArgv: [],
    });
    worker.on("message", ({ damaged, message }: Report) => {
      // A worker being stopped reports on a file that is about to be replaced, or already was.
      if (stopping) return;
      if (damaged) onDamaged(new Error(`text index damaged: ${message}`));
      else onError(new Error(`text indexing failed: ${message}`));
    });
    worker.on("error", onError);
    // Indexing is never a reason to keep the process alive. After the listeners: a "message"
    // listener refs the worker's port again.
    worker.unref();
    // Not events.once: it would reject on the "error" that precedes the exit of a thread that threw.
    const exited = new Promise((resolve) => worker.once("exit", resolve)).then(() => {
      running = undefined;
      if (!stopping) restart = setTimeout(start, RESTART_MS).unref();
    });
    running = { worker, exited };
  };
  start();

  return {
    async stop() {
      stopping = true;
      clearTimeout(restart);
      if (!running) return;
      const { worker, exited } = running;
      // Held until it exits: an unreferenced worker would let the process end with close() pending.
      worker.ref();
      worker.postMessage("stop");
      await exited;
    },
  };
}
