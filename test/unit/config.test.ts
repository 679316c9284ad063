// Start-up configuration: src/config.ts loadConfig and the DATABASE_URL forms it accepts.
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDatabaseUrl } from "../../src/adapters/storage/database-url.js";
import { ConfigError, loadConfig } from "../../src/config.js";

/** The error loadConfig throws for this env; fails the test when it does not throw. */
const configError = (env: NodeJS.ProcessEnv): ConfigError => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(Object.keys(env))}`);
};

describe("loadConfig", () => {
  it("has the documented defaults", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8000,
      host: "0.0.0.0",
      database: { kind: "sqlite", path: resolve(process.cwd(), "data/app.db"), searchThreads: 1, searchCacheMb: 4 },
      signingKeys: [],
      publicKeys: [],
      toleranceSeconds: 300,
      maxBodyBytes: 64 * 1024,
      deliveryLogMaxRows: 10_000,
      retentionDays: undefined,
      logLevel: "info",
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("reads each variable", () => {
    const config = loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      DATABASE_URL: "sqlite::memory:",
      WEBHOOK_SECRET: "a,b",
      WEBHOOK_TOLERANCE_SECONDS: "60",
      LOG_LEVEL: "DEBUG",
    });
    expect(config.port).toBe(0);
    expect(config.host).toBe("127.0.0.1");
    expect(config.database).toEqual({ kind: "sqlite", path: ":memory:", searchThreads: 1, searchCacheMb: 4 });
    expect(config.signingKeys.map((k) => Buffer.from(k).toString("utf8"))).toEqual(["a", "b"]);
    expect(config.toleranceSeconds).toBe(60);
    expect(config.logLevel).toBe("debug");
  });

  it("reads the read-API tokens and the PostgreSQL pool size", () => {
    expect(loadConfig({}).readTokens).toEqual([]);
    expect(loadConfig({ READ_API_TOKEN: " t1 , t2 ," }).readTokens).toEqual(["t1", "t2"]);
    const pg = loadConfig({ DATABASE_URL: "postgres://h/db", DATABASE_POOL_SIZE: "4" }).database;
    expect(pg).toEqual({ kind: "postgres", url: "postgres://h/db", poolSize: 4, searchThreads: 1 });
    expect(loadConfig({ DATABASE_URL: "postgres://h/db" }).database).toMatchObject({ poolSize: 10 });
  });

  it("reads RETENTION_DAYS from 1 to 36500; unset or empty keeps messages for good", () => {
    expect(loadConfig({ RETENTION_DAYS: "1" }).retentionDays).toBe(1);
    expect(loadConfig({ RETENTION_DAYS: " 36500 " }).retentionDays).toBe(36_500);
    expect(loadConfig({ RETENTION_DAYS: "" }).retentionDays).toBeUndefined();
  });

  it("reads WORKERS from 1 (one process, the default) to 64; the slot only a cluster's primary sets", () => {
    expect(loadConfig({}).workers).toBe(1);
    expect(loadConfig({ WORKERS: "" }).workers).toBe(1);
    expect(loadConfig({ WORKERS: " 2 " }).workers).toBe(2);
    expect(loadConfig({ WORKERS: "64" }).workers).toBe(64);
    expect(loadConfig({}).workerSlot).toBeUndefined();
    expect(loadConfig({ LYFTR_WORKER_SLOT: "1" }).workerSlot).toBe(1);
  });

  it("reads SEARCH_THREADS from 1 (the default) to 64 onto either database's location", () => {
    expect(loadConfig({ DATABASE_URL: "sqlite:///x.db" }).database).toMatchObject({ kind: "sqlite", searchThreads: 1 });
    expect(loadConfig({ DATABASE_URL: "sqlite:///x.db", SEARCH_THREADS: " 2 " }).database).toMatchObject({ searchThreads: 2 });
    expect(loadConfig({ SEARCH_THREADS: "64" }).database).toMatchObject({ searchThreads: 64 });
    expect(loadConfig({ DATABASE_URL: "postgres://h/db", SEARCH_THREADS: "2" }).database).toMatchObject({ kind: "postgres", searchThreads: 2 });
    expect(loadConfig({ DATABASE_URL: "postgres://h/db" }).database).toMatchObject({ searchThreads: 1 });
  });

  it("reads SEARCH_CACHE_MB from 1 to 4096 (4 by default) onto a SQLite location", () => {
    expect(loadConfig({ DATABASE_URL: "sqlite:///x.db" }).database).toMatchObject({ kind: "sqlite", searchCacheMb: 4 });
    expect(loadConfig({ SEARCH_CACHE_MB: " 64 " }).database).toMatchObject({ searchCacheMb: 64 });
    expect(loadConfig({ SEARCH_CACHE_MB: "1" }).database).toMatchObject({ searchCacheMb: 1 });
    expect(loadConfig({ SEARCH_CACHE_MB: "4096" }).database).toMatchObject({ searchCacheMb: 4096 });
    expect(loadConfig({ DATABASE_URL: "postgres://h/db", SEARCH_CACHE_MB: "64" }).database).not.toHaveProperty("searchCacheMb");
  });

  it("reads DELIVERY_LOG_MAX_ROWS from 0 (no delivery log) to ten million", () => {
    expect(loadConfig({ DELIVERY_LOG_MAX_ROWS: "0" }).deliveryLogMaxRows).toBe(0);
    expect(loadConfig({ DELIVERY_LOG_MAX_ROWS: " 10000000 " }).deliveryLogMaxRows).toBe(10_000_000);
    expect(loadConfig({ DELIVERY_LOG_MAX_ROWS: "" }).deliveryLogMaxRows).toBe(10_000);
  });

  it("treats a whitespace-only secret as no secret", () => {
    expect(loadConfig({ WEBHOOK_SECRET: "  " }).signingKeys).toHaveLength(0);
  });

  it("reads WEBHOOK_PUBLIC_KEYS: whpk_ keys, comma-separated, blanks dropped", () => {
    const raw = [randomBytes(32), randomBytes(32)];
    const config = loadConfig({ WEBHOOK_PUBLIC_KEYS: ` whpk_${raw[0]!.toString("base64")} ,, whpk_${raw[1]!.toString("base64")}, ` });
    expect(config.publicKeys.map((k) => Buffer.from(k))).toEqual(raw);
    expect(config.signingKeys).toEqual([]);
    expect(loadConfig({ WEBHOOK_PUBLIC_KEYS: " , " }).publicKeys).toEqual([]);
  });

  it.each([
    [`whpk_${"A".repeat(20)}TOPSECRET`, "WEBHOOK_PUBLIC_KEYS a whpk_ key must be followed by the base64 of 32 bytes"],
    [`whpk_${Buffer.alloc(31).toString("base64")}TOPSECRET`, "WEBHOOK_PUBLIC_KEYS a whpk_ key must be followed by the base64 of 32 bytes"],
    [`TOPSECRET${Buffer.alloc(32).toString("base64")}`, "WEBHOOK_PUBLIC_KEYS a public key must be written whpk_<base64>"],
    [`whsk_${Buffer.alloc(32, 1).toString("base64")}TOPSECRET`, "WEBHOOK_PUBLIC_KEYS a whsk_ key is a secret key: give its whpk_ public key instead"],
  ])("refuses WEBHOOK_PUBLIC_KEYS entry %j in one line, without echoing it", (bad, message) => {
    const good = `whpk_${Buffer.alloc(32, 9).toString("base64")}`;
    const error = configError({ WEBHOOK_SECRET: "s3cret", WEBHOOK_PUBLIC_KEYS: `${good},${bad}` });
    expect(error.message).toBe(`configuration error: ${message}`);
    expect(error.message).not.toContain("TOPSECRET");
    expect(error.message).not.toContain(good.slice(5, 20));
  });

  it("refuses an Ed25519 key in WEBHOOK_SECRET, where it would be keyed as an HMAC secret", () => {
    for (const key of [`whpk_${Buffer.alloc(32, 2).toString("base64")}`, `whsk_${Buffer.alloc(32, 3).toString("base64")}`]) {
      const { message } = configError({ WEBHOOK_SECRET: key });
      expect(message).toBe("configuration error: WEBHOOK_SECRET a whpk_ or whsk_ key is an Ed25519 key, not an HMAC secret");
    }
  });

  it.each([
    [{ PORT: "abc" }, "PORT"],
    [{ PORT: "70000" }, "PORT"],
    [{ PORT: "-1" }, "PORT"],
    [{ PORT: "80.5" }, "PORT"],
    [{ LOG_LEVEL: "verbose" }, "LOG_LEVEL"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL"],
    [{ DATABASE_URL: "data/app.db" }, "DATABASE_URL"],
    [{ WEBHOOK_TOLERANCE_SECONDS: "0" }, "WEBHOOK_TOLERANCE_SECONDS"],
    [{ DELIVERY_LOG_MAX_ROWS: "10000001" }, "DELIVERY_LOG_MAX_ROWS"],
    [{ DELIVERY_LOG_MAX_ROWS: "-1" }, "DELIVERY_LOG_MAX_ROWS"],
    [{ DELIVERY_LOG_MAX_ROWS: "1e4" }, "DELIVERY_LOG_MAX_ROWS"],
    [{ RETENTION_DAYS: "0" }, "RETENTION_DAYS"],
    [{ RETENTION_DAYS: "36501" }, "RETENTION_DAYS"],
    [{ RETENTION_DAYS: "30d" }, "RETENTION_DAYS"],
    [{ RETENTION_DAYS: "1.5" }, "RETENTION_DAYS"],
    [{ WORKERS: "0" }, "WORKERS"],
    [{ SEARCH_THREADS: "0" }, "SEARCH_THREADS"],
    [{ SEARCH_THREADS: "65" }, "SEARCH_THREADS"],
    [{ SEARCH_THREADS: "two" }, "SEARCH_THREADS"],
    [{ SEARCH_CACHE_MB: "0" }, "SEARCH_CACHE_MB"],
    [{ SEARCH_CACHE_MB: "4097" }, "SEARCH_CACHE_MB"],
    [{ SEARCH_CACHE_MB: "64MB" }, "SEARCH_CACHE_MB"],
    [{ WORKERS: "65" }, "WORKERS"],
    [{ WORKERS: "auto" }, "WORKERS"],
    [{ WORKERS: "-2" }, "WORKERS"],
  ])("refuses %j with one line naming %s", (env, name) => {
    const { message } = configError(env);
    expect(message).toContain(name);
    expect(message).not.toContain("\n");
  });

  it("never echoes a secret in its message", () => {
    const badWhsec = configError({ WEBHOOK_SECRET: "good-one,whsec_n0t!base64-TOPSECRET" });
    expect(badWhsec.message).toContain("WEBHOOK_SECRET");
    expect(badWhsec.message).not.toContain("TOPSECRET");
    expect(badWhsec.message).not.toContain("good-one");

    const badUrl = configError({ DATABASE_URL: "mysql://admin:hunter2pass@db.internal/app" });
    expect(badUrl.message).toContain("DATABASE_URL");
    expect(badUrl.message).not.toContain("hunter2pass");
  });
});

describe("parseDatabaseUrl", () => {
  const cwd = "/srv/app";

  it("resolves sqlite paths: three slashes relative to cwd, four absolute", () => {
    expect(parseDatabaseUrl("sqlite:///rel.db", cwd)).toEqual({ kind: "sqlite", path: "/srv/app/rel.db" });
    expect(parseDatabaseUrl("sqlite:///data/app.db", cwd)).toEqual({ kind: "sqlite", path: "/srv/app/data/app.db" });
    expect(parseDatabaseUrl("sqlite:////abs/x.db", cwd)).toEqual({ kind: "sqlite", path: "/abs/x.db" });
  });

  it("recognises an in-memory sqlite database", () => {
    expect(parseDatabaseUrl("sqlite::memory:", cwd)).toEqual({ kind: "sqlite", path: ":memory:" });
  });

  it.each(["postgres://u:p@localhost:5432/app", "postgresql://localhost/app"])("passes %s through as postgres", (url) => {
    expect(parseDatabaseUrl(url, cwd)).toEqual({ kind: "postgres", url });
  });

  it.each(["mysql://x", "sqlite:///", "sqlite://rel.db", "", "app.db"])("refuses %j", (url) => {
    expect(() => parseDatabaseUrl(url, cwd)).toThrow(/sqlite:\/\/\//);
  });
});
