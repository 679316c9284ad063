// What differs between databases, as one small object each dialect folder supplies.
import type { Expression, Kysely, SqlBool } from "kysely";
import type { Database } from "./tables.js";

export interface DialectFeatures {
  /** Case-insensitive "column contains needle", with every character of the needle literal. */
  textContains(column: "text", needle: string): Expression<SqlBool>;
}

export interface OpenedDatabase {
  db: Kysely<Database>;
  features: DialectFeatures;
}
