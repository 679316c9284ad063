// A log line is on stdout once the call that logs it returns: a process killed straight after loses none.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";

const LINES = 200;

/** Runs the built logger in a child that logs LINES lines and then dies of SIGKILL at once; answers its stdout. */
function logThenDie(): Promise<{ stdout: string; signal: NodeJS.Signals | null }> {
  const script = `
    import { createLogger } from "./dist/adapters/log/create-logger.js";
    const logger = createLogger("info");
    for (let n = 0; n < ${LINES}; n++) logger.info({ n, padding: "x".repeat(200) }, "request");
    process.kill(process.pid, "SIGKILL");
  `;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (_code, signal) => resolve({ stdout, signal }));
  });
}

describe("log lines and a sudden death", () => {
  it("keeps every line logged before SIGKILL", async () => {
    const { stdout, signal } = await logThenDie();
    expect(signal).toBe("SIGKILL");
    const lines = stdout.split("\n").filter(Boolean).map((line) => JSON.parse(line) as { n: number });
    expect(lines.map((line) => line.n)).toEqual(Array.from({ length: LINES }, (_, n) => n));
  });
});
