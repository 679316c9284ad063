// DATABASE_URL forms: sqlite:///relative.db, sqlite:////absolute.db, sqlite::memory:, postgres(ql)://…
import { resolve } from "node:path";
import type { DatabaseLocation } from "./database.js";

// Here rather than in database.ts, for config.ts: a primary of WORKERS, which opens no database, loads neither Kysely nor a driver.
export const DEFAULT_POOL_SIZE = 10;
export const DEFAULT_DELIVERY_LOG_MAX_ROWS = 10_000;
/**
 * Each SQLite search thread's page cache, in MB (SEARCH_CACHE_MB). At 1M messages a selective
 * search reads about a thousand scattered rows: 4.2 ms with 4 MB, 1.25 ms with 64 MB, which holds
 * the pages of a few such searches for some 19 MB more memory than issue 17's line allows.
 */
export const DEFAULT_SEARCH_CACHE_MB = 4;

export function parseDatabaseUrl(url: string, cwd: string): DatabaseLocation {
  if (url === "sqlite::memory:" || url === "sqlite:///:memory:") return { kind: "sqlite", path: ":memory:" };
  if (url.startsWith("sqlite:///")) {
    const path = url.slice("sqlite:///".length);
    if (path === "" || path === "/") throw new Error("a sqlite URL needs a file path, e.g. sqlite:///data/app.db");
    // After the third slash: a relative path, or (a fourth slash) an absolute one.
    return { kind: "sqlite", path: resolve(cwd, path) };
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: "postgres", url };
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1];
  throw new Error(
    `${scheme ? `unknown scheme '${scheme}'` : "not a URL"}; use sqlite:///relative/path.db, sqlite:////absolute/path.db, sqlite::memory: or postgres://…`,
  );
}
