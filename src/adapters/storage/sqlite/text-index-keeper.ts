// The serving connection's text index: attached and claimed once the schema is current, kept up by the worker, replaced by a fresh one when found damaged.
import { statSync, type Stats } from "node:fs";
import type { Database as Connection } from "better-sqlite3";
import { setAside } from "./set-aside.js";
import { isDamage } from "./text-index-file.js";
import { attachTextIndex, claimTextIndex, trigramQueries } from "./text-index.js";
import type { TextIndexer } from "./background-thread.js";
import type { SearchThreads } from "./search-threads.js";

export interface TextIndexEvents {
  /** A step of the worker failed and is tried again, or there is no index until restart; searches stay exact. */
  onError: (error: Error) => void;
  /** The index file was found damaged and moved to `setAside` (null: nothing moved); a fresh one is built in the background. */
  onDamaged: (error: Error, setAside: string | null) => void;
}

export interface KeptTextIndex {
  /** The full-text query for a folded needle, or null when the search is to read the messages alone. */
  trigramQuery(folded: string): string | null;
  /**
   * A search for a folded needle failed: answers whether the index was to blame, its file damaged.
   * Searches then read the messages alone until a fresh index is attached: the same search again may succeed.
   */
  failed(folded: string): boolean;
  stop(): Promise<void>;
}

/** A second damaged file is set aside no sooner than this after the first: a disk that damages every fresh file would fill up with copies. */
const HEAL_INTERVAL_MS = 60_000;

const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));

export function keepTextIndex(
  connection: Connection,
  indexPath: string,
  options: TextIndexEvents & { background: SearchThreads | undefined; exclusive: (work: () => void) => Promise<void> },
): KeptTextIndex {
  /** Set while the attached index may be used. */
  let index: { query: (folded: string) => string | null; read: (folded: string) => void } | undefined;
  /** The file as it was when attached: only that very file is ever set aside, never one another process put there since. */
  let attachedFile: Stats | undefined;
  /** Found damaged, and not replaced yet. */
  let damaged = false;
  let indexer: TextIndexer | undefined;
  let stopping = false;
  let lastSetAside = -Infinity;
  let healing: Promise<void> | undefined;
  let wake: (() => void) | undefined;

  /** Attaches and claims the file at indexPath; answers the error that stopped it, if one did. */
  const attach = (): unknown => {
    try {
      attachTextIndex(connection, indexPath);
      claimTextIndex(connection);
      const query = trigramQueries(connection);
      const upTo = connection.prepare("select up_to from search.progress").pluck();
      const matches = connection.prepare("select count(*) from search.text_index(?)").pluck();
      index = {
        query,
        // What a search reads of the index, and nothing else.
        read: (folded) => {
          upTo.get();
          const trigrams = query(folded);
          if (trigrams !== null) matches.get(trigrams);
        },
      };
      return undefined;
    } catch (error) {
      detach();
      return error;
    } finally {
      if (indexPath !== ":memory:") attachedFile = statSync(indexPath, { throwIfNoEntry: false });
    }
  };

  const detach = () => {
    index = undefined;
    if (connection.prepare("select name from pragma_database_list").pluck().all().includes("search")) {
      connection.exec("detach database search");
    }
  };

  /** Sets the damaged file aside and attaches a fresh one; answers the error that left no index, if one did. */
  const replace = (damage: unknown): unknown => {
    let aside: string | null;
    try {
      aside = setAside(indexPath, attachedFile);
    } catch (error) {
      return error;
    }
    lastSetAside = Date.now();
    options.onDamaged(asError(damage), aside);
    return attach();
  };

  const run = (failure: unknown) => {
    damaged = false;
    if (failure !== undefined) {
      const reason = asError(failure).message;
      options.onError(new Error(`no text index until restart, searches read every message: ${reason}`, { cause: failure }));
    } else if (options.background) {
      indexer = options.background.keepIndex({ onError: options.onError, onDamaged: found });
    }
  };

  /** The index was found damaged while serving: searches read the messages alone until it is replaced, in the background. */
  function found(error: unknown): void {
    index = undefined;
    if (damaged || stopping) return;
    damaged = true;
    healing = (async () => {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, lastSetAside + HEAL_INTERVAL_MS - Date.now())).unref();
        wake = () => (clearTimeout(timer), resolve());
      });
      await indexer?.stop();
      indexer = undefined;
      if (stopping) return;
      let failure: unknown;
      // No query runs meanwhile, and none holds the file open: detaching needs both.
      await options
        .exclusive(() => {
          try {
            detach();
            failure = replace(error);
          } catch (replaceError) {
            failure = replaceError;
          }
        })
        .catch((exclusiveError: unknown) => (failure = exclusiveError));
      if (!stopping) run(failure);
    })().finally(() => (healing = undefined));
  }

  let failure: unknown;
  try {
    failure = attach();
    if (failure !== undefined && isDamage(failure)) failure = replace(failure);
  } catch (error) {
    // Whatever the index file does, the service starts: searches then read the messages alone.
    failure = error;
  }
  run(failure);

  return {
    trigramQuery(folded) {
      if (index === undefined) return null;
      try {
        return index.query(folded);
      } catch (error) {
        if (!isDamage(error)) throw error;
        found(error);
        return null;
      }
    },
    failed(folded) {
      // FTS5 may report damage it came across in a search again, in its own words, as the search's transaction ends.
      if (damaged) return true;
      if (index === undefined) return false;
      // Whatever the error (the messages may be what is damaged), the index is to blame only if reading its part of the search fails.
      try {
        index.read(folded);
        return false;
      } catch (error) {
        if (!isDamage(error)) return false;
        found(error);
        return true;
      }
    },
    async stop() {
      stopping = true;
      wake?.();
      await healing;
      await indexer?.stop();
    },
  };
}
