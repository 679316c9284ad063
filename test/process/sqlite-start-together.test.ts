// Processes starting together on one fresh SQLite file (several instances, or WORKERS' restarts): every one starts, the schema is made once.
import { execFile } from "node:child_process";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { sqliteMigrations } from "../../src/adapters/storage/sqlite/migrations.js";
import { tempDatabase } from "./support.js";

const ROOT = new URL("../..", import.meta.url);
const STORAGE = new URL("dist/adapters/storage/database.js", ROOT).href;
const PROCESSES = 4;
const ROUNDS = 5;
const databases: Array<ReturnType<typeof tempDatabase>> = [];
afterAll(() => databases.forEach((d) => d.remove()));

/**
 * One process: loads the storage, waits for `startAt` (so all open the file within a millisecond
 * or two, past their different load times), opens it, stores a message of its own, closes.
 */
function startOne(path: string, n: number, startAt: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = `
    const { openDatabase } = await import(${JSON.stringify(STORAGE)});
    while (Date.now() < ${startAt});
    const storage = await openDatabase({ kind: "sqlite", path: ${JSON.stringify(path)} }, { onMigrationWait: () => console.log("waited") });
    await storage.messages.insertIfAbsent({ message_id: "m${n}", from: "+1", to: "+2", ts: "2025-01-15T10:00:00Z", tsKey: "2025-01-15T10:00:00", text: null });
    await storage.close();
    console.log("ok");`;
  return new Promise((resolve) => {
    execFile(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT, timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

describe("processes starting together on a fresh SQLite file", () => {
  it(`all ${PROCESSES} start, in each of ${ROUNDS} rounds, and the schema is made once`, async () => {
    let waited = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const db = tempDatabase("start-together");
      databases.push(db);
      const startAt = Date.now() + 2_000;
      const runs = await Promise.all(Array.from({ length: PROCESSES }, (_, n) => startOne(db.path, n, startAt)));
      // Before the lock, most rounds failed here: 'table "messages" already exists', or a duplicate in kysely_migration.
      expect(runs.map((r) => ({ code: r.code, ended: r.stdout.split("\n").filter(Boolean).at(-1), stderr: r.stderr }))).toEqual(
        runs.map(() => ({ code: 0, ended: "ok", stderr: "" })),
      );
      waited += runs.filter((r) => r.stdout.includes("waited")).length;

      const file = new BetterSqlite3(db.path, { readonly: true });
      try {
        const applied = file.prepare("select name from kysely_migration order by name").pluck().all();
        expect(applied).toEqual(Object.keys(sqliteMigrations).sort());
        expect(file.prepare("select message_id from messages order by message_id").pluck().all()).toEqual(
          Array.from({ length: PROCESSES }, (_, n) => `m${n}`),
        );
        expect(file.prepare("select count from sender_counts").pluck().all()).toEqual([PROCESSES]);
      } finally {
        file.close();
      }
    }
    // They did meet: some process found the lock taken (else this test proves nothing about the race).
    expect(waited).toBeGreaterThan(0);
  }, 120_000);
});
