// What differs between databases, as one small object each dialect folder supplies.
import type { CompiledQuery, Expression, Kysely, Migration, SqlBool } from "kysely";
import type { Database } from "./tables.js";

export interface DialectFeatures {
  /** Case-insensitive "column contains needle", with every character of the needle literal. */
  textContains(column: "text", needle: string): Expression<SqlBool>;
  /** How many inserts may share one transaction (group commit); 1 commits each on its own. */
  maxWriteBatch: number;
  /**
   * A value that changes whenever anything is committed to the messages, by this process or any
   * other; absent where the database cannot tell cheaply. Equal values mean unchanged data, so an
   * answer computed after reading one stays exact for as long as it is read again.
   */
  changeStamp?: () => string;
  /**
   * A search for `needle` failed: answers whether an aid of the dialect's own was to blame (SQLite's
   * index file, found damaged). The dialect then leaves it out until it is rebuilt, so the same
   * search run again reads the messages themselves.
   */
  searchAidFailed?(needle: string): boolean;
  /**
   * Runs read queries in one snapshot off the serving thread, where a thread of the process's own
   * does the database's reading (SQLite); undefined when there is none, and the caller runs them.
   * A rejection says nothing about the data: the caller may run the same queries itself.
   */
  readAside?(queries: CompiledQuery[]): Promise<unknown[][]> | undefined;
  /**
   * What a message must satisfy, beyond its age, for a purge to delete it; absent: nothing more.
   * SQLite keeps the row holding the largest rowid, so a rowid is never handed out twice.
   */
  purgeable?: Expression<SqlBool>;
  /**
   * The database itself skips the insert of an id a purge left a tombstone of (a trigger), as part
   * of the insert statement; otherwise the insert takes such rows back in its own transaction.
   */
  skipsPurgedIds?: boolean;
}

export interface OpenedDatabase {
  db: Kysely<Database>;
  features: DialectFeatures;
  /** This dialect's schema history, applied in name order. */
  migrations: Record<string, Migration>;
  /** Schema for Kysely's own migration tables, where the database has schemas. */
  migrationSchema?: () => Promise<string>;
}
