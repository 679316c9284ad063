// The serving connection's text index: attached and claimed once the schema is current, a fresh one in place of a damaged file, kept up by the worker.
import { statSync, type Stats } from "node:fs";
import type { Database as Connection } from "better-sqlite3";
import { setAside } from "./set-aside.js";
import { isDamage } from "./text-index-file.js";
import { attachTextIndex, claimTextIndex, trigramQueries } from "./text-index.js";
import { startTextIndexer, type TextIndexer } from "./text-indexer.js";

export interface TextIndexEvents {
  /** A step of the worker failed and is tried again, or there is no index until restart; searches stay exact. */
  onError: (error: Error) => void;
  /** The index file was found damaged and moved to `setAside` (null: nothing moved); a fresh one is built in the background. */
  onDamaged: (error: Error, setAside: string | null) => void;
}

export interface KeptTextIndex {
  /** The full-text query for a folded needle, or null when the search is to read the messages alone. */
  trigramQuery(folded: string): string | null;
  stop(): Promise<void>;
}

const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));

export function keepTextIndex(
  connection: Connection,
  files: { databasePath: string; indexPath: string },
  options: TextIndexEvents & { inBackground: boolean },
): KeptTextIndex {
  const { indexPath } = files;
  /** Set while the attached index may be used. */
  let index: { query: (folded: string) => string | null } | undefined;
  /** The file as it was when attached: only that very file is ever set aside, never one another process put there since. */
  let attachedFile: Stats | undefined;
  let indexer: TextIndexer | undefined;

  /** Attaches and claims the file at indexPath; answers the error that stopped it, if one did. */
  const attach = (): unknown => {
    try {
      attachTextIndex(connection, indexPath);
      claimTextIndex(connection);
      index = { query: trigramQueries(connection) };
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
    options.onDamaged(asError(damage), aside);
    return attach();
  };

  const run = (failure: unknown) => {
    if (failure !== undefined) {
      const reason = asError(failure).message;
      options.onError(new Error(`no text index until restart, searches read every message: ${reason}`, { cause: failure }));
    } else if (options.inBackground) {
      indexer = startTextIndexer(files, options.onError);
    }
  };

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
    trigramQuery: (folded) => index?.query(folded) ?? null,
    stop: async () => indexer?.stop(),
  };
}
