// Process-level helpers: service child processes, a cuttable TCP proxy to PostgreSQL, fresh schemas, bounded waits.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, connect, type AddressInfo, type Socket } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { DATABASES, POSTGRES_URL } from "../support/databases.js";
import { signBody } from "../support/messages.js";

export const SECRET = "scale-secret";
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** A fresh empty schema on the test server (the shared DATABASES entry), and how to drop it. */
export async function freshSchema(): Promise<{ url: string; drop(): Promise<void> }> {
  const entry = DATABASES.find((d) => d.name === "postgres");
  if (!entry) throw new Error("PostgreSQL is not available");
  const { location, drop } = await entry.create();
  if (location.kind !== "postgres") throw new Error("expected a PostgreSQL location");
  return { url: location.url, drop };
}

/** Runs queries on the schema directly, bypassing the service. */
export async function query<R extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export interface Proxy {
  port: number;
  /** Refuses new connections and cuts every open one, as a crashed or unreachable server would. */
  down(): void;
  up(): void;
  close(): Promise<void>;
}

/** A TCP proxy on 127.0.0.1 to the test PostgreSQL server. */
export async function startProxy(): Promise<Proxy> {
  const target = new URL(POSTGRES_URL);
  let accepting = true;
  const open = new Set<Socket>();
  const server = createServer((client) => {
    if (!accepting) return void client.destroy();
    const upstream = connect(Number(target.port || 5432), target.hostname);
    const cut = () => [client, upstream].forEach((s) => (s.destroy(), open.delete(s)));
    for (const s of [client, upstream]) open.add(s.on("error", cut).on("close", cut));
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const down = () => {
    accepting = false;
    for (const s of open) s.destroy();
    open.clear();
  };
  return {
    port: (server.address() as AddressInfo).port,
    down,
    up: () => void (accepting = true),
    close: () => (down(), new Promise((resolve) => server.close(() => resolve()))),
  };
}

/** The same database URL, but connecting through the proxy. */
export function viaProxy(url: string, proxy: Proxy): string {
  const u = new URL(url);
  u.hostname = "127.0.0.1";
  u.port = String(proxy.port);
  return u.toString();
}

export interface Service {
  child: ChildProcess;
  baseUrl: string;
  /** Every JSON log line the process wrote to stdout. */
  logs: Array<Record<string, unknown>>;
  stderr: () => string;
  alive(): boolean;
  /** SIGTERM, then the exit code (null if killed by a signal); throws if it has not exited in time. */
  stop(timeoutMs?: number): Promise<number | null>;
}

const started = new Set<ChildProcess>();

/** Spawns dist/main.js on port 0 and resolves once it logs "listening". */
export function startService(env: Record<string, string>, timeoutMs = 15_000): Promise<Service> {
  const child = spawn(process.execPath, ["dist/main.js"], {
    cwd: ROOT,
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", WEBHOOK_SECRET: SECRET, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.add(child);
  const logs: Array<Record<string, unknown>> = [];
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  child.on("error", (error) => (stderr += `spawn error: ${error.message}\n`));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const stop = async (ms = 15_000) => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    return within(exited, ms, `pid ${child.pid} to exit after SIGTERM`);
  };
  const listening = new Promise<Service>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line);
      } catch {
        return void logs.push({ unparsed: line });
      }
      logs.push(entry);
      if (String(entry.msg).startsWith("listening") && typeof entry.port === "number") {
        const alive = () => child.exitCode === null && child.signalCode === null;
        resolve({ child, baseUrl: `http://127.0.0.1:${entry.port}`, logs, stderr: () => stderr, alive, stop });
      }
    });
    void exited.then((code) => reject(new Error(`service exited with ${code} before listening: ${stderr}`)));
  });
  return within(listening, timeoutMs, `pid ${child.pid} to log "listening"`);
}

/** SIGKILLs every service this file started that is still running. */
export function killLeftovers(): void {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Polls until `probe` returns a value other than undefined; throws after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last})` : ""}`);
}

export interface Answer {
  /** 0 when no HTTP answer came at all (connection refused or reset, timeout). */
  status: number;
  body: unknown;
}

async function answer(response: Promise<Response>): Promise<Answer> {
  try {
    const res = await response;
    const text = await res.text();
    try {
      return { status: res.status, body: JSON.parse(text) };
    } catch {
      return { status: res.status, body: text };
    }
  } catch (error) {
    return { status: 0, body: String(error) };
  }
}

export const getJson = (baseUrl: string, path: string) =>
  answer(fetch(`${baseUrl}${path}`, { signal: AbortSignal.timeout(10_000) }));

/** POST /webhook with exactly `body`, signed with SECRET. */
export const postSigned = (baseUrl: string, body: string) =>
  answer(
    fetch(`${baseUrl}/webhook`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-signature": signBody(SECRET, body) },
      body,
      signal: AbortSignal.timeout(10_000),
    }),
  );

/** Runs `work` over `items` with at most `limit` in flight; results in item order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
