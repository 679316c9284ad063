// The request line, written without pino's generic walk of the fields, is the line pino writes for them, on the same stdout.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";

/** Runs the built logger at `level` in a child, which calls `calls` (a script body using `logger`); answers its stdout lines. */
function logged(level: string, calls: string): Promise<string[]> {
  const script = `
    import { createLogger } from "./dist/adapters/log/create-logger.js";
    const logger = createLogger(${JSON.stringify(level)});
    ${calls}
  `;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => (code === 0 ? resolve(stdout.split("\n").filter(Boolean)) : reject(new Error(`child exited ${code}`))));
  });
}

const SAMPLES = [
  { request_id: "4b9c7a1e-2f7e-4b8a-9d1c-0a1b2c3d4e5f", method: "GET", path: "/stats", status: 200, latency_ms: 0.123456 },
  { request_id: "r-1", method: "POST", path: "/webhook", status: 200, latency_ms: 12, message_id: "m1", dup: false, result: "created" },
  { request_id: "r-2", method: "POST", path: "/webhook", status: 401, latency_ms: 1e-7, message_id: undefined, dup: undefined, result: "invalid_signature" },
  { request_id: "r-3", method: "GET", path: '/a"b\\c\u0001\u2028é😀', status: 404, latency_ms: 3.5 },
];
const withoutTime = (line: string) => line.replace(/"ts":"[^"]+"/, '"ts":"…"');

describe("request lines", () => {
  it("are, byte for byte but the time, what pino writes for the same fields", async () => {
    const lines = await logged("info", `for (const f of ${JSON.stringify(SAMPLES)}) { logger.info(f, "request"); logger.request(f); }`);
    expect(lines).toHaveLength(SAMPLES.length * 2);
    for (let k = 0; k < lines.length; k += 2) {
      expect(withoutTime(lines[k + 1]!)).toBe(withoutTime(lines[k]!));
      expect(JSON.parse(lines[k + 1]!).ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    expect(JSON.parse(lines[7]!).path).toBe(SAMPLES[3]!.path);
  });

  it("keep their place among pino's lines, and are left out below info", async () => {
    const lines = await logged("info", `logger.info({ n: 1 }, "one"); logger.request({ path: "/two" }); logger.warn({ n: 3 }, "three");`);
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(["one", "request", "three"]);
    expect(await logged("warn", `logger.request({ path: "/stats" }); logger.warn({}, "only this");`)).toEqual([expect.stringContaining('"msg":"only this"')]);
    expect(await logged("silent", `logger.request({ path: "/stats" });`)).toEqual([]);
  });
});
