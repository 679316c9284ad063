// The HTTP server around the app: JSON answers even for requests Node rejects before express sees them.
import { createServer, type RequestListener, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";

const rawJson = (status: number, reason: string, detail: string, withBody: boolean) => {
  const body = JSON.stringify({ detail });
  return (
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${withBody ? body : ""}`
  );
};

/** Sockets Node's own answer closed, with its status: the request the app was handling on one got that answer, not the app's. */
const ANSWERED_BY_NODE = new WeakMap<Socket, number>();

/** The status Node sent on this socket in the app's place (a 408 for a body too slow), if it did. */
export const statusNodeSent = (socket: Socket): number | undefined => ANSWERED_BY_NODE.get(socket);

/** Node's parser refuses oversize headers (431) and malformed requests (400) itself, in plain text; say it in JSON. */
function answerClientError(error: Error & { code?: string; rawPacket?: Buffer }, socket: Socket): void {
  if (!socket.writable || error.code === "ECONNRESET") return void socket.destroy();
  // An answer to HEAD carries no body, even when the request could not be parsed in full.
  const withBody = !error.rawPacket?.subarray(0, 5).equals(Buffer.from("HEAD "));
  const [status, reason, detail] =
    error.code === "HPE_HEADER_OVERFLOW"
      ? ([431, "Request Header Fields Too Large", "request headers too large"] as const)
      : error.code === "HPE_REQUEST_TIMEOUT" || error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? ([408, "Request Timeout", "request timeout"] as const)
        : ([400, "Bad Request", "malformed HTTP request"] as const);
  ANSWERED_BY_NODE.set(socket, status);
  socket.end(rawJson(status, reason, detail, withBody));
}

const ENDLESS = new WeakSet<ServerResponse>();
const ARRIVED_DRAINING = new WeakSet<ServerResponse>();

/**
 * Marks an answer that never ends by itself (an event stream): draining ends it, which the client
 * takes as its cue to reconnect (elsewhere). False when the server is draining already: end it now.
 */
export function endOnDrain(res: ServerResponse): boolean {
  ENDLESS.add(res);
  return !ARRIVED_DRAINING.has(res);
}

export interface DrainableServer extends Server {
  /** Stops accepting, lets every request in flight get its answer, then resolves once all sockets are closed. */
  drain(): Promise<void>;
}

export interface ServerOptions {
  /** How long a request, headers and body, may take to arrive; slower ones answer 408 and close. */
  requestTimeoutMs?: number;
}

export function createHttpServer(app: RequestListener, options: ServerOptions = {}): DrainableServer {
  const requestTimeout = options.requestTimeoutMs ?? 10_000;
  const server = createServer(
    {
      // No Host header is no reason for a bare non-JSON 400: the app does not route by host.
      requireHostHeader: false,
      // A body trickled in (or never sent after its headers) holds a socket and a buffer: bound it.
      requestTimeout,
      headersTimeout: Math.min(requestTimeout, 60_000),
      // Node looks for expired requests this often (30 s by default, which would triple a 10 s bound).
      connectionsCheckingInterval: Math.min(1_000, requestTimeout),
    },
    app,
  ) as DrainableServer;
  server.on("clientError", answerClientError);

  // A keep-alive connection would outlive its last answer by the keep-alive timeout and could
  // even take new requests: once draining, every answer closes its connection.
  let draining = false;
  const inFlight = new Set<ServerResponse>();
  server.on("request", (_req, res: ServerResponse) => {
    if (draining) {
      res.shouldKeepAlive = false;
      ARRIVED_DRAINING.add(res);
    }
    inFlight.add(res);
    res.on("close", () => inFlight.delete(res));
  });

  server.drain = () =>
    new Promise<void>((resolve, reject) => {
      draining = true;
      // Node destroys "idle" connections here, and takes one whose answer has ended as idle even while
      // that answer is still being sent: the streams end after it looks, so a slow reader gets their end.
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeIdleConnections();
      for (const res of inFlight) {
        res.shouldKeepAlive = false;
        // One still opening (not yet marked endless) ends as soon as it is: it answered while draining.
        ARRIVED_DRAINING.add(res);
        if (!ENDLESS.has(res)) continue;
        // Its headers said keep-alive: once its end is sent, the connection is idle, and closed like the others.
        res.once("finish", () => server.closeIdleConnections());
        res.end();
      }
    });
  return server;
}
