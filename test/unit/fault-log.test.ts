// Faults in the log: class, code and message without a stack; a repeated fault once, then counted per interval.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { faultFields } from "../../src/adapters/log/fault-fields.js";
import { quietRepeats, type LineLogger } from "../../src/adapters/log/quiet-repeats.js";

describe("faultFields", () => {
  it("keeps class, code and message, and the cause's, never a stack", () => {
    const cause = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    class StorageUnavailableError extends Error {
      override name = "StorageUnavailableError";
    }
    const fields = faultFields(new StorageUnavailableError("storage unavailable", { cause }));
    expect(fields).toEqual({
      type: "StorageUnavailableError",
      message: "storage unavailable",
      cause: { type: "Error", code: "ECONNREFUSED", message: "connect ECONNREFUSED 127.0.0.1:5432" },
    });
    expect(JSON.stringify(fields)).not.toMatch(/\bat |\.ts:|\.js:|stack/);
  });

  it("says what a thrown non-error was", () => {
    expect(faultFields("boom")).toEqual({ type: "string", message: "boom" });
  });
});

describe("quietRepeats", () => {
  let lines: { level: string; fields: object; message: string }[];
  let logger: LineLogger;
  const sink = (level: string) => (fields: object, message: string) => void lines.push({ level, fields, message });
  beforeEach(() => {
    vi.useFakeTimers();
    lines = [];
    logger = quietRepeats(
      { info: sink("info"), request: (fields) => sink("request")(fields, "request"), warn: sink("warn"), error: sink("error"), fatal: sink("fatal") },
      10_000,
    );
  });
  afterEach(() => vi.useRealTimers());

  const diskFull = () => Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });

  it("logs the first of a repeated fault, then one line with how many more came in the interval", () => {
    for (let i = 0; i < 4_000; i++) logger.error({ err: diskFull(), path: `/webhook?n=${i}` }, "database unavailable");
    expect(lines).toHaveLength(1);
    vi.advanceTimersByTime(10_000);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ level: "error", message: "database unavailable (repeated)", fields: { repeated: 3_999, within_ms: 10_000 } });
    // The next interval starts afresh with a line of its own.
    logger.error({ err: diskFull() }, "database unavailable");
    expect(lines).toHaveLength(3);
    vi.advanceTimersByTime(10_000);
    expect(lines).toHaveLength(3);
  });

  it("tells different faults and different messages apart", () => {
    logger.error({ err: diskFull() }, "database unavailable");
    logger.error({ err: new Error("connection terminated") }, "database unavailable");
    logger.warn({ err: diskFull() }, "delivery log entries could not be written");
    expect(lines).toHaveLength(3);
  });

  it("passes request lines and fatal ones untouched", () => {
    for (let i = 0; i < 3; i++) logger.request({ path: "/stats", status: 200 });
    for (let i = 0; i < 2; i++) logger.info({ purged: 500 }, "purged 500 messages");
    logger.fatal({ err: diskFull() }, "cannot open the database");
    logger.fatal({ err: diskFull() }, "cannot open the database");
    expect(lines.map((l) => l.level)).toEqual(["request", "request", "request", "info", "info", "fatal", "fatal"]);
  });
});
