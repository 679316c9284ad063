// Reads a Server-Sent Events answer over node:http block by block, so a test can wait for events,
// stop reading (node:http, unlike fetch, lets the socket fill), and tell a clean end from a dropped one.
import { request, type IncomingHttpHeaders } from "node:http";
import type { Message } from "../../src/domain/message.js";
import type { TestServer } from "./server.js";

/** One block of the stream (the text between two blank lines), its fields as sent. */
export interface EventBlock {
  id?: string;
  data?: string;
  retry?: string;
  /** Comment lines, without the leading ": ". */
  comments: string[];
}

export interface EventStream {
  status: number;
  headers: IncomingHttpHeaders;
  /** Every complete block so far, in order. */
  blocks: EventBlock[];
  /** The events that carry a message, parsed. */
  messages(): { id: string; message: Message }[];
  /** Resolves with `ready`'s answer once it is truthy; rejects after `timeoutMs`, saying what had arrived. */
  until<T>(ready: (stream: EventStream) => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  /** Waits for `count` message events in all. */
  untilMessages(count: number, timeoutMs?: number): Promise<{ id: string; message: Message }[]>;
  /** Stop taking bytes from the socket; the server's writes back up. */
  pause(): void;
  resume(): void;
  /** "end": the server ended the body cleanly; "aborted": the connection dropped before it did. */
  ended: Promise<"end" | "aborted">;
  /** The body as received (for the JSON of an error answer, once `ended`). */
  text(): string;
  close(): void;
}

function parseBlock(raw: string): EventBlock {
  const block: EventBlock = { comments: [] };
  for (const line of raw.split("\n")) {
    if (line.startsWith(":")) {
      block.comments.push(line.slice(1).replace(/^ /, ""));
      continue;
    }
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "data") block.data = block.data === undefined ? value : `${block.data}\n${value}`;
    else if (field === "id" || field === "retry") block[field] = value;
    else throw new Error(`unexpected field in event stream: ${JSON.stringify(line)}`);
  }
  return block;
}

export function openEventStream(
  url: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? "GET", headers: { accept: "text/event-stream", ...options.headers } });
    req.on("error", reject);
    req.on("response", (res) => {
      res.setEncoding("utf8");
      let body = "";
      let pending = "";
      const blocks: EventBlock[] = [];
      const checks = new Set<() => void>();
      const recheck = () => checks.forEach((check) => check());
      let finished = false;
      const ended = new Promise<"end" | "aborted">((done) => {
        res.on("end", () => done("end"));
        // A dropped connection: "aborted" on the response, or "close" before "end".
        res.on("aborted", () => done("aborted"));
        res.on("close", () => done(res.complete ? "end" : "aborted"));
        res.on("error", () => done("aborted"));
      }).finally(() => {
        finished = true;
        recheck();
      });
      res.on("data", (chunk: string) => {
        body += chunk;
        pending += chunk;
        let cut: number;
        while ((cut = pending.indexOf("\n\n")) >= 0) {
          blocks.push(parseBlock(pending.slice(0, cut)));
          pending = pending.slice(cut + 2);
        }
        recheck();
      });
      const stream: EventStream = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        blocks,
        messages: () =>
          blocks.filter((b) => b.data !== undefined).map((b) => ({ id: b.id!, message: JSON.parse(b.data!) as Message })),
        until(ready, timeoutMs = 5_000) {
          return new Promise((done, fail) => {
            const stop = () => {
              clearTimeout(timer);
              checks.delete(check);
            };
            const check = () => {
              const answer = ready(stream);
              if (answer) {
                stop();
                done(answer);
              } else if (finished) {
                stop();
                fail(new Error(`stream ended first; had ${JSON.stringify(blocks)}`));
              }
            };
            const timer = setTimeout(() => {
              stop();
              fail(new Error(`timed out after ${timeoutMs} ms; had ${JSON.stringify(blocks)}`));
            }, timeoutMs);
            checks.add(check);
            check();
          });
        },
        untilMessages(count, timeoutMs) {
          return stream.until((s) => {
            const messages = s.messages();
            return messages.length >= count && messages;
          }, timeoutMs);
        },
        pause: () => void res.pause(),
        resume: () => void res.resume(),
        ended,
        text: () => body,
        close: () => req.destroy(),
      };
      resolve(stream);
    });
    req.end();
  });
}

/** GET /messages/stream on a test server, with a query and headers. */
export function openMessageStream(
  server: TestServer,
  query: Record<string, string> = {},
  headers: Record<string, string> = {},
): Promise<EventStream> {
  const search = new URLSearchParams(query).toString();
  return openEventStream(`${server.baseUrl}/messages/stream${search ? `?${search}` : ""}`, { headers });
}

/** The ids of a stream's message events, in order. */
export const idsOf = (events: { message: Message }[]) => events.map((e) => e.message.message_id);

/**
 * The ids of every message the stream has received, once two heartbeats have come after what it had:
 * a message sent twice, or one that should not have come, would be there by then.
 */
export async function settledIds(stream: EventStream): Promise<string[]> {
  const seen = stream.blocks.length;
  await stream.until((s) => s.blocks.slice(seen).filter((b) => b.comments.includes("heartbeat")).length >= 2);
  return idsOf(stream.messages());
}
