// Runs the database's background thread (background-worker.js: text index, WAL checkpoints, text
// searches): started again if it dies, stopped on close; holds commits when it asks.
import { Worker } from "node:worker_threads";
import type { CompiledQuery } from "kysely";
import type { WriteHold } from "./write-hold.js";

export interface TextIndexer {
  /** Lets the thread finish its step and close the index's connections (the thread itself goes on). */
  stop(): Promise<void>;
}

export interface TextIndexerEvents {
  /** A step failed; the thread tries again shortly. */
  onError: (error: Error) => void;
  /** The index file is damaged; the thread waits to be told to stop keeping it while it is replaced. */
  onDamaged: (error: Error) => void;
}

export interface BackgroundThread {
  /** Keeps the text index up to date until the indexer is stopped; one indexer at a time. */
  keepIndex(events: TextIndexerEvents): TextIndexer;
  /**
   * Runs the queries in one read transaction on the thread; rejects when they fail there (the caller
   * may run them itself), or with `signal`'s reason once it aborts before they are answered.
   */
  read(queries: CompiledQuery[], signal?: AbortSignal): Promise<unknown[][]>;
  /** Searches sent and not answered yet. */
  waiting(): number;
  /**
   * Closes the thread's search connection, so that no file it attached stays open; the next
   * search attaches the index file afresh. Resolved at once when the thread is not running. For a
   * thread that only searches: on one that keeps the index, it would stop the keeping too.
   */
  letGoOfIndex(): Promise<void>;
  stop(): Promise<void>;
}

/** A WAL of `pages` pages or more is started over, while `writes` holds the commits (background-worker.js restartWal). */
export interface WalRestart {
  pages: number;
  writes: WriteHold;
}

/** What the worker posts: a search's answer, a hold of the commits asked or ended, that it let the index go, or why a step failed. */
type Report =
  | { search: number; rows?: unknown[][]; error?: string }
  | { holdWrites: boolean }
  | { keepIndex: false }
  | { damaged: boolean; message: string };

/** The one who keeps the index: told of its failures until it asks to stop, and released once the thread has closed the index's files. */
interface Indexer {
  events: TextIndexerEvents;
  stopping: boolean;
  release: () => void;
}

/** A thread that died (out of memory, say) is replaced after this long: searches stay exact meanwhile, only slower. */
const RESTART_MS = 1_000;
/**
 * The thread holds one text at a time while indexing and a page of at most 100 messages of at most
 * 4,096 characters when searching; a small heap keeps the process within its memory budget (V8 would
 * otherwise size a worker's heap like the main thread's).
 */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 };

/**
 * `onError` hears of each search the thread could not answer (the serving thread then answers it:
 * searches stay exact, but such a search holds up the webhooks again, and an operator should know),
 * and of a thread that died.
 */
export function startBackgroundThread(
  files: { databasePath: string; indexPath: string; lower: string; cacheMb: number },
  onError: (error: Error) => void,
  walRestart?: WalRestart,
): BackgroundThread {
  const searches = new Map<number, { resolve: (rows: unknown[][]) => void; reject: (error: Error) => void }>();
  let nextSearch = 0;
  let indexer: Indexer | undefined;
  /** Told once the thread has closed its files (it answers every keepIndex: false), or has exited. */
  const lettingGo: Array<() => void> = [];
  let stopping = false;
  let running: { worker: Worker; exited: Promise<unknown> } | undefined;
  let restart: NodeJS.Timeout | undefined;

  // Held while a search or a stop is under way, so that the process waits for it; never for indexing alone.
  const holdWhileBusy = (worker: Worker) =>
    searches.size > 0 || indexer?.stopping || lettingGo.length > 0 || stopping ? worker.ref() : worker.unref();

  const start = () => {
    clearTimeout(restart);
    // From src/ (tests) or dist/ alike: the worker is plain JavaScript beside this module.
    const worker = new Worker(new URL("./background-worker.js", import.meta.url), {
      workerData: { ...files, keepIndex: indexer !== undefined && !indexer.stopping, walRestartPages: walRestart?.pages ?? Infinity },
      resourceLimits: RESOURCE_LIMITS,
      // Not the process's own flags: some (--input-type, say) make a worker fail at start.
      execArgv: [],
    });
    worker.on("message", (report: Report) => {
      if ("holdWrites" in report) {
        if (!report.holdWrites) walRestart?.writes.release();
        else {
          walRestart?.writes.hold();
          worker.postMessage({ writesHeld: walRestart !== undefined });
        }
      } else if ("search" in report) {
        const waiting = searches.get(report.search);
        searches.delete(report.search);
        if (report.error === undefined) waiting?.resolve(report.rows ?? []);
        else {
          const failure = new Error(`search on the background thread: ${report.error}`);
          onError(failure);
          waiting?.reject(failure);
        }
      } else if ("keepIndex" in report) {
        if (indexer?.stopping) indexer.release();
        for (const told of lettingGo.splice(0)) told();
      } else if (indexer && !indexer.stopping) {
        // An indexer being stopped hears nothing more: its file is about to be replaced, or already was.
        if (report.damaged) indexer.events.onDamaged(new Error(`text index damaged: ${report.message}`));
        else indexer.events.onError(new Error(`text indexing failed: ${report.message}`));
      }
      holdWhileBusy(worker);
    });
    worker.on("error", onError);
    // Not events.once: it would reject on the "error" that precedes the exit of a thread that threw.
    const exited = new Promise((resolve) => worker.once("exit", resolve)).then(() => {
      running = undefined;
      // A hold it asked for ends with it.
      walRestart?.writes.release();
      for (const [id, waiting] of searches) {
        searches.delete(id);
        waiting.reject(new Error("background thread exited"));
      }
      // A dead thread holds no file: an indexer being stopped has nothing left to wait for.
      if (indexer?.stopping) indexer.release();
      for (const told of lettingGo.splice(0)) told();
      if (!stopping && indexer && !indexer.stopping) restart = setTimeout(start, RESTART_MS).unref();
    });
    running = { worker, exited };
    // After the listeners: a "message" listener refs the worker's port again.
    holdWhileBusy(worker);
    return running;
  };

  return {
    keepIndex(events) {
      if (indexer) throw new Error("the text index is kept already");
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const own: Indexer = { events, stopping: false, release };
      indexer = own;
      if (running) running.worker.postMessage({ keepIndex: true });
      else if (!stopping) start();
      return {
        async stop() {
          if (indexer !== own) return;
          own.stopping = true;
          if (running) {
            holdWhileBusy(running.worker);
            running.worker.postMessage({ keepIndex: false });
          } else own.release();
          await released;
          if (indexer === own) indexer = undefined;
          if (running) holdWhileBusy(running.worker);
        },
      };
    },
    read(queries, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (stopping) return Promise.reject(new Error("background thread stopped"));
      const { worker } = running ?? start();
      const id = nextSearch++;
      return new Promise<unknown[][]>((resolve, reject) => {
        // Abandoned while it waits: the thread drops it, if it has not started it yet, and its answer goes nowhere.
        const abandon = () => {
          if (!searches.delete(id)) return;
          worker.postMessage({ forget: id });
          holdWhileBusy(worker);
          reject(signal!.reason);
        };
        const settled = () => signal?.removeEventListener("abort", abandon);
        searches.set(id, { resolve: (rows) => (settled(), resolve(rows)), reject: (error) => (settled(), reject(error)) });
        signal?.addEventListener("abort", abandon, { once: true });
        holdWhileBusy(worker);
        worker.postMessage({ search: id, queries: queries.map((q) => ({ sql: q.sql, parameters: q.parameters })) });
      });
    },
    waiting: () => searches.size,
    letGoOfIndex() {
      if (!running) return Promise.resolve();
      const { worker } = running;
      const told = new Promise<void>((resolve) => lettingGo.push(resolve));
      holdWhileBusy(worker);
      worker.postMessage({ keepIndex: false });
      return told;
    },
    async stop() {
      stopping = true;
      clearTimeout(restart);
      if (!running) return;
      const { worker, exited } = running;
      holdWhileBusy(worker);
      worker.postMessage("stop");
      await exited;
    },
  };
}
