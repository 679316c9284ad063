// `lyftr send` when no HTTP answer comes back: one plain line, exit code 1, and no message_id as if something was sent.
import { createServer, type AddressInfo, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lyftr } from "./support.js";

const env = { WEBHOOK_SECRET: "unreachable-secret" };
const built = ["--message-id", "never-sent", "--from", "+919876543210", "--to", "+14155550100"];
const body = '{"message_id":"never-sent"}';
const HINT = " (is the service running? set LYFTR_URL or --url)\n";

/** A TCP server that does `onRequest` with each connection once the request's first bytes arrive. */
async function tcpServer(onRequest: (socket: Socket) => void): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket.on("close", () => sockets.delete(socket)).on("error", () => undefined));
    socket.once("data", () => onRequest(socket));
  });
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    // A silent server's connections stay open until cut, and close() waits for them.
    close: () => (sockets.forEach((s) => s.destroy()), new Promise((done) => server.close(() => done()))),
  };
}

/** Both ways send posts: a message built from flags (typed client) and a body from stdin (raw fetch). */
const bothWays = (url: string[], runEnv: Record<string, string> = env) =>
  Promise.all([
    lyftr(["send", ...url, ...built], { env: runEnv }),
    lyftr(["send", ...url, "--file", "-"], { env: runEnv, input: body }),
  ]);
const failed = (url: string, reason: string) => ({ code: 1, stdout: "", stderr: `lyftr send: cannot reach ${url}: ${reason}${HINT}` });

describe("lyftr send without an answer", () => {
  let refusing: string;
  let silent: Awaited<ReturnType<typeof tcpServer>>;
  let closing: Awaited<ReturnType<typeof tcpServer>>;
  beforeAll(async () => {
    const closed = await tcpServer(() => undefined);
    await closed.close();
    refusing = closed.url;
    silent = await tcpServer(() => undefined);
    closing = await tcpServer((socket) => socket.destroy());
  });
  afterAll(() => Promise.all([silent.close(), closing.close()]));

  it("says the connection was refused and how to point it elsewhere, given --url or LYFTR_URL", async () => {
    for (const runs of [await bothWays(["--url", refusing]), await bothWays([], { ...env, LYFTR_URL: `${refusing}/` })]) {
      for (const run of runs) {
        expect(run).toEqual(failed(refusing, "connection refused"));
      }
    }
  });

  it("says the host was not found", async () => {
    for (const run of await bothWays(["--url", "http://lyftr-example.invalid:8000"])) {
      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(/^lyftr send: cannot reach http:\/\/lyftr-example\.invalid:8000: host not found/);
      expect(run.stderr.endsWith(HINT) && !run.stderr.slice(0, -1).includes("\n"), run.stderr).toBe(true);
    }
  });

  it("says the connection was closed when the service drops it without answering", async () => {
    for (const run of await bothWays(["--url", closing.url])) {
      expect(run).toEqual(failed(closing.url, "the connection was closed before an answer"));
    }
  });

  it("gives up after --timeout on a service that accepts the request and never answers", async () => {
    const started = Date.now();
    for (const run of await bothWays(["--url", silent.url, "--timeout", "1.5"])) {
      expect(run).toEqual(failed(silent.url, "no answer within 1.5 s"));
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
  });

  it.each(["0", "abc", "301", "1e3"])("refuses --timeout %s as a usage error", async (timeout) => {
    const run = await lyftr(["send", "--url", silent.url, "--timeout", timeout, ...built], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--timeout must be a number of seconds/);
  });
});
