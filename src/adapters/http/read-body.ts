// The webhook body as the exact bytes sent, bounded; the signature is checked over these.
import type { IncomingMessage } from "node:http";

export type BodyRead = { body: Buffer } | { tooLarge: true } | { aborted: true };

/**
 * Collects the body into one Buffer, or says it is over the limit. Does what body-parser's raw()
 * did here, without its stream plumbing and async-context binding, which a profile showed as a
 * sixth of a webhook's CPU. A body over the limit is refused as soon as that is known, from its
 * declared length or once it crosses the limit, and is read no further: draining a declared
 * 10 GB, or an endless chunked body, would hold the server for minutes (the answer closes the
 * connection). Answers nothing itself: the pipeline's table does.
 */
export function readRawBody(req: IncomingMessage, limit: number, onRead: (read: BodyRead) => void): void {
  let settled = false;
  const done = (read: BodyRead) => {
    if (settled) return;
    settled = true;
    onRead(read);
  };
  const refuse = () => {
    req.pause();
    done({ tooLarge: true });
  };
  if (Number(req.headers["content-length"] ?? 0) > limit) return refuse();

  const chunks: Buffer[] = [];
  let size = 0;
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size <= limit) return void chunks.push(chunk);
    req.off("data", onData);
    req.off("end", onEnd);
    chunks.length = 0;
    refuse();
  };
  const onEnd = () => done({ body: Buffer.concat(chunks, size) });
  req.on("data", onData);
  req.on("end", onEnd);
  // A client that goes away mid-body gets no answer; there is nobody left to read one.
  req.once("error", () => done({ aborted: true }));
}
