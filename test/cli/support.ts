// Runs the built lyftr CLI as a child process, and a bare HTTP server that records what it receives.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestServer } from "../support/server.js";

export const CLI = resolve(import.meta.dirname, "../../dist/adapters/cli/main.js");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The child sees only PATH and `env`, so a WEBHOOK_SECRET in the caller's shell cannot leak into a test. */
export function lyftr(args: string[], options: { env?: Record<string, string>; input?: string | Buffer } = {}): Promise<CliRun> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? "", ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  child.stdin.end(options.input ?? "");
  return new Promise((done, fail) => {
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

/** A temporary file holding exactly these bytes. */
export function tempFile(content: string | Buffer): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "lyftr-cli-"));
  const path = join(dir, "body.json");
  writeFileSync(path, content);
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Recorded {
  body: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

/** Answers every request 200 {"status":"ok"} and keeps its bytes, so what the CLI sent can be checked independently. */
export async function recordingServer() {
  const seen: Recorded[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      seen.push({ body: Buffer.concat(chunks), headers: req.headers });
      res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
    });
  });
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, seen, close: () => new Promise((r) => server.close(r)) };
}

/** The message as GET /messages lists it, through the server's typed client. */
export async function listed(server: TestServer, messageId: string) {
  const page = await server.client.listMessages({ query: { limit: 100 } });
  if (page.status !== 200) throw new Error(`GET /messages answered ${page.status}`);
  return page.body.data.find((m) => m.message_id === messageId);
}
