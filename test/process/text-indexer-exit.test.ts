// The text indexer's and the search's worker threads never keep a process alive: a script that opens dist's storage ends, closed or not.
import { execFile } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { tempDatabase } from "./support.js";

const ROOT = new URL("../..", import.meta.url);
const STORAGE = new URL("dist/adapters/storage/database.js", ROOT).href;
const databases: Array<ReturnType<typeof tempDatabase>> = [];
afterAll(() => databases.forEach((d) => d.remove()));

/** Runs a module that opens a database, stores a message and maybe closes; answers how the process ended. */
function runScript(close: boolean): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const db = tempDatabase("indexer-exit");
  databases.push(db);
  // Evaluated with --input-type=module, a flag a worker thread refuses should it inherit it.
  const script = `
    const { openDatabase } = await import(${JSON.stringify(STORAGE)});
    const { default: Sqlite } = await import("better-sqlite3");
    const path = ${JSON.stringify(db.path)};
    const storage = await openDatabase({ kind: "sqlite", path }, { onTextIndexError: (e) => console.error(String(e)) });
    await storage.messages.insertIfAbsent({ message_id: "m", from: "+1", to: "+2", ts: "2025-01-15T10:00:00Z", tsKey: "2025-01-15T10:00:00", text: "quokka" });
    // Until the worker has indexed the message: it is alive, and it is what could keep the process so.
    const index = new Sqlite(path + "-fts", { readonly: true });
    while (index.prepare("select up_to from progress").pluck().get() < 1) await new Promise((r) => setTimeout(r, 20));
    index.close();
    // A search starts the search thread: it must not keep the process alive either.
    const found = await storage.messages.list({ q: "quokka" }, { limit: 10, offset: 0 });
    if (found.total !== 1) throw new Error("the search missed the message");
    ${close ? 'await storage.close(); console.log("closed");' : ""}`;
  return new Promise((resolve) => {
    execFile(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT, timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

describe("text indexer and process exit", () => {
  it("exits on its own when storage is never closed", async () => {
    const run = await runScript(false);
    expect(run.stderr).toBe("");
    // A process kept alive by the thread would be killed at execFile's timeout instead: code null.
    expect(run.code).toBe(0);
  }, 40_000);

  it("finishes close(), then exits", async () => {
    const run = await runScript(true);
    expect(run.stderr).toBe("");
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 0, stdout: "closed\n" });
  }, 40_000);
});
