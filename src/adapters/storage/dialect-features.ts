// What differs between databases, as one small object each dialect folder supplies.
import type { CompiledQuery, Expression, Kysely, Migration, RawBuilder, SqlBool } from "kysely";
import type { ArrivalPosition } from "../../domain/arrival.js";
import type { Database, NewMessageRow } from "./tables.js";

/** Arrival order as a database can keep it: a commit sequence, then message_id (see message-arrivals.ts). */
export interface ArrivalOrder {
  /** A row's commit sequence, as a number or its decimal text. */
  seq: RawBuilder<number | string>;
  /** Rows after the position, or at or before it. */
  after(position: ArrivalPosition): Expression<SqlBool>;
  atMost(position: ArrivalPosition): Expression<SqlBool>;
  /** The columns to order by, first to last. */
  orderBy: RawBuilder<unknown>[];
  /**
   * Rows no commit still in flight can take a place before; absent where commits are the order
   * itself (one writer at a time, each numbering past the last).
   */
  settled?: Expression<SqlBool>;
  /** A sender filter that leaves the choice of index to the arrival order (SQLite would sort a sender's every row). */
  fromEquals(from: string): Expression<SqlBool>;
}

export interface DialectFeatures {
  /**
   * Case-insensitive "column contains needle", with every character of the needle literal. `scan`:
   * the rows are few, so test each rather than consult an index first.
   */
  textContains(column: "text", needle: string, options?: { scan?: boolean }): Expression<SqlBool>;
  arrival: ArrivalOrder;
  /** How many inserts may share one transaction (group commit); 1 commits each on its own. */
  maxWriteBatch: number;
  /**
   * Undefined while message inserts may commit; otherwise resolved when they may. Absent: always.
   * SQLite holds them for a few milliseconds while its background thread copies the WAL back whole.
   */
  writesHeld?: () => Promise<void> | undefined;
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
   * A rejection says nothing about the data: the caller may run the same queries itself. Once
   * `signal` aborts, queries not started yet are dropped, rejecting with its reason.
   */
  readAside?(queries: CompiledQuery[], signal?: AbortSignal): Promise<unknown[][]> | undefined;
  /**
   * Runs read queries in one snapshot on this thread, at once, where the driver reads synchronously
   * (SQLite): one transaction of the database's own instead of a round trip through the query
   * builder for its BEGIN, each query and its COMMIT. Absent: the caller opens a transaction.
   */
  readTogether?(queries: CompiledQuery[]): Promise<unknown[][]>;
  /**
   * Runs a dear read (a search, a deep offset) that no readAside took, once its turn comes: so few
   * at once that they cannot take every core from the webhooks (PostgreSQL, SEARCH_THREADS at a
   * time; SQLite's background threads are that few by themselves). Absent: it runs at once. Once
   * `signal` aborts, a read still waiting for its turn leaves the line, rejecting with its reason.
   */
  inTurn?<T>(read: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /**
   * A search's page and total are read in one pass over the matching rows, gathered once, rather
   * than by a page query and a count query that each test every candidate (SQLite, where each
   * candidate is a row read from the file), and never along the time index, which a planner may
   * choose for a needle it wrongly takes for a common one (PostgreSQL).
   * `upTo`: only while that many rows match at most. Past it, the page and the count are read
   * apart in the same snapshot, since a common needle's page is found early along the time index.
   * readTogether and readAside, which take their queries at once, gather every match.
   */
  searchInOnePass?: { upTo?: number };
  /**
   * What a message must satisfy, beyond its age, for a purge to delete it; absent: nothing more.
   * SQLite keeps the row holding the largest rowid, so a rowid is never handed out twice.
   */
  purgeable?: Expression<SqlBool>;
  /**
   * Inserts the rows where their id is absent and was never purged, in one statement of the
   * database's own (its own transaction): the ids it created. Absent: a plain multi-row insert,
   * from which a trigger of the database keeps purged ids out (SQLite, migration 0012).
   */
  insertNew?(db: Kysely<Database>, rows: readonly NewMessageRow[]): Promise<string[]>;
}

export interface OpenedDatabase {
  db: Kysely<Database>;
  features: DialectFeatures;
  /** This dialect's schema history, applied in name order. */
  migrations: Record<string, Migration>;
  /** Schema for Kysely's own migration tables, where the database has schemas. */
  migrationSchema?: () => Promise<string>;
  /**
   * Runs the migrator alone among processes, where it takes no lock of its own (SQLite); `onWait`
   * once if another process has the database first.
   */
  migrateAlone?<T>(work: () => Promise<T>, onWait?: () => void): Promise<T>;
}
