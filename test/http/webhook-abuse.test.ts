// Bodies that would hold the server: a declared huge length, an endless chunked body, a trickle. Each is cut off at once, or on time.
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aMessage } from "../support/messages.js";
import { startServer, type TestServer } from "../support/server.js";
import { rawPost, signedJson } from "./webhook-support.js";

const LIMIT = 64 * 1024;

interface Exchange {
  socket: Socket;
  /** Bytes the client managed to hand to the socket before it closed. */
  written: () => number;
  /** The first answer's status line and body, once the connection has closed. */
  closed: Promise<{ statusLine: string; body: string; afterMs: number }>;
}

function open(server: TestServer, head: string): Promise<Exchange> {
  const { port } = new URL(server.baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1", () => {
      const began = Date.now();
      let received = "";
      let written = 0;
      socket.on("data", (d: Buffer) => (received += d.toString("utf8")));
      socket.on("error", () => undefined); // EPIPE/ECONNRESET once the server closes: expected
      const closed = new Promise<{ statusLine: string; body: string; afterMs: number }>((done) =>
        socket.once("close", () => {
          const [headers = "", body = ""] = received.split("\r\n\r\n");
          done({ statusLine: headers.split("\r\n")[0] ?? "", body, afterMs: Date.now() - began });
        }),
      );
      socket.write(head);
      resolve({ socket, written: () => written, closed: closed.then((r) => r) });
      const originalWrite = socket.write.bind(socket);
      socket.write = ((chunk: Buffer | string, ...rest: never[]) => {
        written += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
        return originalWrite(chunk, ...rest);
      }) as typeof socket.write;
    });
    socket.once("error", reject);
  });
}

/** Writes as fast as the socket takes it until it closes. */
function flood(exchange: Exchange, chunk: Buffer) {
  const pump = () => {
    while (!exchange.socket.destroyed && exchange.socket.writable && exchange.socket.write(chunk));
  };
  exchange.socket.on("drain", pump);
  pump();
}

const HEAD = (length: string) => `POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${length}\r\n\r\n`;

describe("POST /webhook bodies that would hold the server", () => {
  let server: TestServer;
  beforeAll(async () => void (server = await startServer({ requestTimeoutMs: 1_000 })));
  afterAll(() => server.close());

  it("answers a declared length over the limit with 413 at once, reading nothing, and closes", async () => {
    const exchange = await open(server, HEAD("Content-Length: 100000000"));
    const { statusLine, body, afterMs } = await exchange.closed;
    expect(statusLine).toBe("HTTP/1.1 413 Payload Too Large");
    expect(JSON.parse(body)).toEqual({ detail: `request body too large: the limit is ${LIMIT} bytes` });
    expect(afterMs).toBeLessThan(900); // well before the request timeout would have answered
  });

  it("cuts off a declared 10 GB body being sent, long before it is through", async () => {
    const exchange = await open(server, HEAD("Content-Length: 10000000000"));
    flood(exchange, Buffer.alloc(64 * 1024, 0x20));
    const { statusLine } = await exchange.closed;
    expect(statusLine).toBe("HTTP/1.1 413 Payload Too Large");
    expect(exchange.written()).toBeLessThan(64 * 1024 * 1024);
  });

  it("answers an endless chunked body with 413 once it crosses the limit, and closes", async () => {
    const exchange = await open(server, HEAD("Transfer-Encoding: chunked"));
    const piece = Buffer.alloc(16 * 1024, 0x20);
    flood(exchange, Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n")]));
    const { statusLine, body } = await exchange.closed;
    expect(statusLine).toBe("HTTP/1.1 413 Payload Too Large");
    expect(JSON.parse(body).detail).toMatch(/limit is 65536 bytes/);
    expect(exchange.written()).toBeLessThan(64 * 1024 * 1024);
  });

  it("answers a body that trickles in slower than the request timeout with 408, and closes", async () => {
    const exchange = await open(server, HEAD("Content-Length: 200"));
    exchange.socket.write('{"message_id":');
    const { statusLine, body, afterMs } = await exchange.closed;
    expect(statusLine).toBe("HTTP/1.1 408 Request Timeout");
    expect(JSON.parse(body)).toEqual({ detail: "request timeout" });
    expect(afterMs).toBeGreaterThanOrEqual(900);
    expect(afterMs).toBeLessThan(5_000);
  });

  it("still takes a valid webhook afterwards", async () => {
    const body = JSON.stringify(aMessage());
    const res = await rawPost(server.baseUrl, body, signedJson(body));
    expect(res.status).toBe(200);
  });
});
