// The databases every storage and HTTP suite runs against. Each entry makes a fresh, empty database.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseLocation } from "../../src/adapters/storage/database.js";

export interface TestDatabase {
  name: string;
  /** A fresh empty database, and how to throw it away. */
  create(): Promise<{ location: DatabaseLocation; drop(): Promise<void> }>;
}

const sqliteFile: TestDatabase = {
  name: "sqlite",
  async create() {
    const dir = mkdtempSync(join(tmpdir(), "lyftr-db-"));
    return {
      location: { kind: "sqlite", path: join(dir, "app.db") },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

export const DATABASES: TestDatabase[] = [sqliteFile];
