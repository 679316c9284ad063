// Reading a SQLite database and its text index file outside the service, to see what is really on disk.
import { readdirSync, readlinkSync } from "node:fs";
import BetterSqlite3 from "better-sqlite3";

/** Opens the file read-only, runs `read`, and closes it. */
export const inspect = <T>(path: string, read: (db: BetterSqlite3.Database) => T): T => {
  const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
};

/** The index file's progress row: how far it has indexed, and for which database. */
export const progress = (path: string) =>
  inspect(`${path}-fts`, (db) => db.prepare("select up_to, database_id from progress").get() as { up_to: number; database_id: string });
export const identity = (path: string) => inspect(path, (db) => db.prepare("select database_id from database_identity").pluck().get());
export const lastRowid = (path: string) => inspect(path, (db) => db.prepare("select max(rowid) from messages").pluck().get() as number);
/** How many texts the index file says hold a trigram. */
export const indexed = (path: string, trigram: string) =>
  inspect(`${path}-fts`, (db) => db.prepare("select count(*) from text_index(?)").pluck().get(`"${trigram}"`));

/** How many of this process's open files are `path` itself: one per SQLite connection to it, whichever thread holds it. */
export const openHandles = (path: string) =>
  readdirSync("/proc/self/fd").filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false; // closed since the listing
    }
  }).length;
