// The only reader of process.env: parsed, checked and frozen; a bad value is one clear line and exit 1.
import { z } from "zod";
import { DEFAULT_DELIVERY_LOG_MAX_ROWS, DEFAULT_POOL_SIZE, DEFAULT_SEARCH_CACHE_MB, parseDatabaseUrl } from "./adapters/storage/database-url.js";
import type { DatabaseLocation } from "./adapters/storage/database.js";
import { publicKeys, signingKeys, type PublicKey, type SigningKey } from "./contracts/signature.js";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** An integer from min to max; unset or empty: `fallback`. */
const integer = <F extends number | undefined>(min: number, max: number, fallback: F) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === "") return fallback;
      const n = /^[0-9]+$/.test(value) ? Number(value) : NaN;
      if (Number.isSafeInteger(n) && n >= min && n <= max) return n as number | F;
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be an integer from ${min} to ${max}` });
      return z.NEVER;
    });

/** A comma-separated list of keys; the message names the rule, never a key. */
const keyList = <K>(parse: (list: string) => K[]) =>
  z
    .string()
    .default("")
    .transform((list, ctx) => {
      try {
        return parse(list);
      } catch (error) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: (error as Error).message });
        return z.NEVER;
      }
    });

const Env = z.object({
  PORT: integer(0, 65535, 8000),
  HOST: z
    .string()
    .trim()
    .default("")
    .transform((host) => host || "0.0.0.0"),
  DATABASE_URL: z
    .string()
    .trim()
    .default("sqlite:///data/app.db")
    .transform((url, ctx) => {
      try {
        return parseDatabaseUrl(url || "sqlite:///data/app.db", process.cwd());
      } catch (error) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: (error as Error).message });
        return z.NEVER;
      }
    }),
  WEBHOOK_SECRET: keyList(signingKeys),
  WEBHOOK_PUBLIC_KEYS: keyList(publicKeys),
  DATABASE_POOL_SIZE: integer(1, 1000, DEFAULT_POOL_SIZE),
  READ_API_TOKEN: z
    .string()
    .default("")
    .transform((tokens) =>
      tokens
        .split(",")
        .map((t) => t.trim())
        .filter((t) => t.length > 0),
    ),
  WEBHOOK_TOLERANCE_SECONDS: integer(1, 86_400, 300),
  WEBHOOK_MAX_BODY_BYTES: integer(1, 16 * 1024 * 1024, 64 * 1024),
  REQUEST_TIMEOUT_SECONDS: integer(1, 3_600, 10),
  DELIVERY_LOG_MAX_ROWS: integer(0, 10_000_000, DEFAULT_DELIVERY_LOG_MAX_ROWS),
  // A century at most: beyond it the setting is surely a typo (hours? seconds?), not a policy.
  RETENTION_DAYS: integer(1, 36_500, undefined),
  // Processes serving the one port (node:cluster); 1 is a single process, as before the setting.
  WORKERS: integer(1, 64, 1),
  // Searches (and deep pages) read at once: SQLite's background threads, or PostgreSQL queries in
  // flight; more put overlapping searches on more cores, which the webhooks then share.
  SEARCH_THREADS: integer(1, 64, 1),
  // Each search thread's SQLite page cache, in MB: a selective search reads its candidate rows by rowid.
  SEARCH_CACHE_MB: integer(1, 4_096, DEFAULT_SEARCH_CACHE_MB),
  // Not a setting: the primary numbers the workers it forks (cluster-primary.ts), so that one of them runs retention.
  LYFTR_WORKER_SLOT: integer(0, 63, undefined),
  LOG_LEVEL: z
    .string()
    .trim()
    .default("info")
    .transform((level) => level.toLowerCase() || "info")
    .pipe(z.enum(LOG_LEVELS, { errorMap: () => ({ message: `must be one of ${LOG_LEVELS.join(", ")}` }) })),
});

export interface Config {
  port: number;
  host: string;
  database: DatabaseLocation;
  signingKeys: readonly SigningKey[];
  /** Ed25519 keys for Standard Webhooks v1a; with these alone, and no secret, the service is configured. */
  publicKeys: readonly PublicKey[];
  readTokens: readonly string[];
  toleranceSeconds: number;
  maxBodyBytes: number;
  /** How long a request, headers and body, may take to arrive (408 after). */
  requestTimeoutMs: number;
  /** The newest delivery-log entries kept; 0 turns the log off. */
  deliveryLogMaxRows: number;
  /** Messages received more than this many days ago are purged; undefined keeps them for good. */
  retentionDays: number | undefined;
  /** Processes serving the port: 1 serves in this process; more fork that many workers (node:cluster). */
  workers: number;
  /** Set in a worker forked by the primary: its place, 0 to workers - 1, kept by a replacement. Undefined outside a cluster. */
  workerSlot: number | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv): Readonly<Config> {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`configuration error: ${issue.path.join(".")} ${issue.message}`);
  }
  const e = parsed.data;
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    database:
      e.DATABASE_URL.kind === "postgres"
        ? { ...e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE, searchThreads: e.SEARCH_THREADS }
        : { ...e.DATABASE_URL, searchThreads: e.SEARCH_THREADS, searchCacheMb: e.SEARCH_CACHE_MB },
    signingKeys: Object.freeze(e.WEBHOOK_SECRET),
    publicKeys: Object.freeze(e.WEBHOOK_PUBLIC_KEYS),
    readTokens: Object.freeze(e.READ_API_TOKEN),
    toleranceSeconds: e.WEBHOOK_TOLERANCE_SECONDS,
    maxBodyBytes: e.WEBHOOK_MAX_BODY_BYTES,
    requestTimeoutMs: e.REQUEST_TIMEOUT_SECONDS * 1000,
    deliveryLogMaxRows: e.DELIVERY_LOG_MAX_ROWS,
    retentionDays: e.RETENTION_DAYS,
    workers: e.WORKERS,
    workerSlot: e.LYFTR_WORKER_SLOT,
    logLevel: e.LOG_LEVEL,
  });
}
