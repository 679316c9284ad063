// GET /messages/stream: the contract's query and Last-Event-ID, then Server-Sent Events at the pace the client reads, until either side closes.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { UseCases } from "../../application/use-cases.js";
import type { Arrival } from "../../domain/arrival.js";
import type { Message } from "../../domain/message.js";
import { MessagesStreamHeaders, MessagesStreamQuery, STREAM_MEDIA } from "../../contracts/message-stream-schemas.js";
import { encodeStreamPosition } from "../../contracts/stream-position.js";
import { VALIDATION_FAILED, issuesOf, sendJson, validationBody, type ErrorLogger } from "./errors.js";
import { endOnDrain } from "./server.js";

type Next = (error?: unknown) => void;

export interface StreamRouteOptions {
  /** Between two heartbeats: under the minute most proxies allow an idle connection. */
  heartbeatMs: number;
}

/**
 * A message's event, worked out once: the feed hands every stream the same arrival objects, so a
 * message sent to five hundred streams is serialised once, not five hundred times.
 */
const events = new WeakMap<Arrival<Message>, string>();
function eventOf(arrival: Arrival<Message>): string {
  let event = events.get(arrival);
  if (event === undefined) {
    event = `id: ${encodeStreamPosition(arrival.position)}\ndata: ${JSON.stringify(arrival.message)}\n\n`;
    events.set(arrival, event);
  }
  return event;
}

/** EventSource waits this long before it reconnects after a drop. */
const RETRY_MS = 2_000;

/** Resolves when the socket takes more, or when it closes (then the loop ends on its own). */
const writable = (res: ServerResponse) =>
  new Promise<void>((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });

export function streamRoute(useCases: UseCases, logger: ErrorLogger, options: StreamRouteOptions) {
  return async (req: IncomingMessage & { query?: unknown }, res: ServerResponse, next: Next): Promise<void> => {
    const query = MessagesStreamQuery.safeParse(req.query);
    const headers = MessagesStreamHeaders.safeParse({ "last-event-id": req.headers["last-event-id"] });
    if (!query.success || !headers.success) {
      const issues = [...issuesOf(query.error ?? null, "query"), ...issuesOf(headers.error ?? null, "headers")];
      return sendJson(res, 422, validationBody(VALIDATION_FAILED, issues));
    }
    // EventSource sends Last-Event-ID on reconnect, beside the URL it first opened: the header is the newer.
    const after = headers.data["last-event-id"] ?? query.data.after;
    let stream: Awaited<ReturnType<UseCases["streamMessages"]>>;
    try {
      // Opened before answering: while no byte is sent, an unavailable database can still be a 503.
      stream = await useCases.streamMessages({ from: query.data.from, q: query.data.q, after });
    } catch (error) {
      return next(error);
    }
    res.writeHead(200, {
      "Content-Type": `${STREAM_MEDIA}; charset=utf-8`,
      "Cache-Control": "no-store",
      // nginx would otherwise hold events back to fill its buffer.
      "X-Accel-Buffering": "no",
    });
    // HEAD answers as GET would, without waiting for messages; nor does a stream opened as the server stops.
    if (req.method === "HEAD" || !endOnDrain(res)) return void (stream.close(), res.end());
    // A stream opened without a position learns its starting point at once, so a drop before the
    // first message still resumes where it began.
    let sentId = encodeStreamPosition(stream.position());
    res.write(`retry: ${RETRY_MS}\n\n${after === undefined ? `id: ${sentId}\n\n` : ""}`);
    const heartbeat = setInterval(() => {
      // Ended by drain() and still flushing to a slow reader: a write now would be an "error" event no one handles.
      if (res.writableEnded) return;
      // The id moves past messages that did not match, so a resume does not read them again.
      const id = encodeStreamPosition(stream.position());
      res.write(id === sentId ? ": heartbeat\n\n" : `: heartbeat\nid: ${id}\n\n`);
      sentId = id;
    }, options.heartbeatMs);
    res.on("close", () => stream.close());
    try {
      for await (const run of stream) {
        if (res.destroyed || res.writableEnded) break;
        sentId = encodeStreamPosition(run.at(-1)!.position);
        // One write per run: with hundreds of streams, a write per message per stream is most of the work.
        if (!res.write(run.map(eventOf).join(""))) await writable(res);
      }
    } catch (error) {
      // The database went away mid-stream: no status can say so now. Ending the stream does; the
      // client reconnects and resumes where it was.
      logger.error({ err: error, method: req.method, path: "/messages/stream" }, "stream cut short");
    } finally {
      clearInterval(heartbeat);
      stream.close();
      res.end();
    }
  };
}
