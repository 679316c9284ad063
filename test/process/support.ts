// Helpers for the crash and shutdown suites: temp SQLite files, varied messages, raw sockets, reading the file directly.
import { mkdtempSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import BetterSqlite3 from "better-sqlite3";
import { SECRET, getJson } from "../scale/support.js";
import { signBody } from "../support/messages.js";

/** A message as GET /messages returns it. */
export interface Stored {
  message_id: string;
  from: string;
  to: string;
  ts: string;
  text: string | null;
}

/** One fixed key order, so two messages compare by value whatever order their keys came in. */
export const canon = (m: Stored | undefined) =>
  m === undefined ? "absent" : JSON.stringify([m.message_id, m.from, m.to, m.ts, m.text]);

export function tempDatabase(prefix: string): { path: string; url: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `lyftr-${prefix}-`));
  const path = join(dir, "app.db");
  return { path, url: `sqlite:///${path}`, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Seeded, so a failing run can be replayed with the seed it prints. */
export function seeded(seed: number): () => number {
  let s = seed % 2 ** 31;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

/** The i-th test message: senders, timestamps (some fractional), text (some absent, some non-ASCII) all vary. */
export function varied(id: string, i: number, tsOverride?: string): { body: string; stored: Stored } {
  const from = `+1415555${String(1000 + (i % 7))}`;
  const to = i % 3 === 0 ? "+919876543210" : "+14155550100";
  const seconds = String(i % 60).padStart(2, "0");
  const ts = tsOverride ?? `2025-01-15T${String(10 + (i % 10)).padStart(2, "0")}:${String(Math.floor(i / 60) % 60).padStart(2, "0")}:${seconds}${i % 2 ? `.${i % 1000}` : ""}Z`;
  const text = i % 4 === 0 ? null : `msg ${i} «naïve café» 🚀 "quoted" \\ ${"x".repeat(i % 50)}`;
  // The sample body's `from_` alias is part of what senders may send.
  const sender = i % 5 === 0 ? { from_: from } : { from };
  const body = JSON.stringify({ message_id: id, ...sender, to, ts, ...(text === null ? {} : { text }) });
  return { body, stored: { message_id: id, from, to, ts, text } };
}

/** Every stored message, through GET /messages paging; fails on a page error or a total that moves. */
export async function listAll(baseUrl: string): Promise<Stored[]> {
  const all: Stored[] = [];
  let total = -1;
  for (let offset = 0; total < 0 || offset < total; offset += 100) {
    const page = await getJson(baseUrl, `/messages?limit=100&offset=${offset}`);
    if (page.status !== 200) throw new Error(`GET /messages offset ${offset}: ${page.status} ${JSON.stringify(page.body)}`);
    const body = page.body as { data: Stored[]; total: number };
    if (total >= 0 && body.total !== total) throw new Error(`total moved from ${total} to ${body.total} while paging`);
    total = body.total;
    all.push(...body.data);
    if (body.data.length === 0) break;
  }
  return all;
}

/** Opens the file read-only beside (or after) the service: the integrity check and every row. */
export function inspectFile(path: string): { integrity: unknown; rows: Stored[] } {
  const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  try {
    const integrity = db.pragma("integrity_check", { simple: true });
    const rows = db
      .prepare("select message_id, from_msisdn as \"from\", to_msisdn as \"to\", ts, text from messages")
      .all() as Stored[];
    return { integrity, rows };
  } finally {
    db.close();
  }
}

/** Resolves with the exit code and signal once the child has exited; throws after `ms`. */
export function exitOf(child: ChildProcess, ms: number): Promise<{ code: number | null; signal: string | null; at: number }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode, at: Date.now() });
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pid ${child.pid} still running after ${ms} ms`)), ms);
    child.once("exit", (code, signal) => (clearTimeout(timer), resolve({ code, signal, at: Date.now() })));
  });
}

export function deadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * One HTTP/1.1 connection driven by hand, so a request can stop halfway through its header.
 * `response` is the first complete answer (Content-Length framed); `closed` reports how the socket ended.
 */
export async function rawConnection(port: number) {
  const socket: Socket = connect(port, "127.0.0.1");
  await deadline(new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject)), 3_000, "connect");
  let buffer = Buffer.alloc(0);
  let error: Error | undefined;
  const response = new Promise<RawResponse>((resolve, reject) => {
    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf("\r\n\r\n");
      if (end < 0) return;
      const [statusLine, ...lines] = buffer.subarray(0, end).toString("latin1").split("\r\n");
      const headers = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]),
      );
      const length = Number(headers["content-length"] ?? NaN);
      const body = buffer.subarray(end + 4);
      if (Number.isNaN(length)) return reject(new Error(`no Content-Length in ${statusLine}`));
      if (body.length < length) return;
      resolve({ status: Number(statusLine!.split(" ")[1]), headers, body: JSON.parse(body.subarray(0, length).toString("utf8")) });
    });
    socket.once("close", () => reject(new Error(`connection closed before a full answer${error ? `: ${error.message}` : ""}`)));
  });
  response.catch(() => undefined);
  const closed = new Promise<{ error: string | null }>((resolve) =>
    socket.once("close", () => resolve({ error: error ? String((error as NodeJS.ErrnoException).code ?? error.message) : null })),
  );
  socket.on("error", (e) => (error = e));
  return { socket, send: (text: string) => socket.write(text), response, closed };
}

/** True once a new TCP connection to the port is refused. */
export function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(false)));
    socket.once("error", (e: NodeJS.ErrnoException) => resolve(e.code === "ECONNREFUSED"));
  });
}

/** POST /webhook whose body arrives in two halves; the second half waits for `release`. */
export function halfSentWebhook(baseUrl: string, body: string, release: Promise<void>) {
  const bytes = Buffer.from(body, "utf8");
  const cut = Math.floor(bytes.length / 2);
  let settled = false;
  const stream = new ReadableStream<Uint8Array>({
    start: (controller) => controller.enqueue(bytes.subarray(0, cut)),
    pull: async (controller) => {
      await release;
      controller.enqueue(bytes.subarray(cut));
      controller.close();
    },
  });
  const answer = fetch(`${baseUrl}/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-signature": signBody(SECRET, bytes) },
    body: stream,
    duplex: "half",
    signal: AbortSignal.timeout(15_000),
  })
    .then(async (res) => ({ status: res.status, body: (await res.json()) as unknown }))
    .catch((error: unknown) => ({ status: 0, body: String(error) }))
    .finally(() => (settled = true));
  return { answer, settled: () => settled };
}
