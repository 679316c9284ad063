// GET /messages/stream as an endless iterator: it reconnects by itself and resumes after the last event id it saw.
import { LyftrApiError } from "./api-error.js";
import { EventStreamParser } from "./event-stream.js";
import { Message } from "./message-schemas.js";

export interface MessageStreamOptions {
  /** Only messages from this sender (E.164). */
  from?: string | undefined;
  /** Only messages whose text contains this, case-insensitively. */
  q?: string | undefined;
  /** Resume after this event id (a saved `position`); `"0"` replays every stored message first. Default: from now on. */
  after?: string | undefined;
  /** Ends the iteration, without an error, when it aborts. */
  signal?: AbortSignal | undefined;
}

export type MessageStream = AsyncGenerator<Message, void, undefined> & {
  /** Where a new stream would resume: the last event id seen (a message's or an id alone), else the `after` given. */
  readonly position: string | undefined;
};

export interface StreamConnection {
  baseUrl: string;
  readToken?: string | undefined;
  validateResponse?: boolean | undefined;
}

/** Until the server's `retry:` says otherwise. */
const DEFAULT_RETRY_MS = 2_000;
/** However long the server asks for, and however often it failed: a stream that waits longer looks dead. */
const MAX_RETRY_MS = 30_000;

export function streamMessages(connection: StreamConnection, options: MessageStreamOptions = {}): MessageStream {
  let lastEventId: string | undefined;
  const query = new URLSearchParams();
  for (const name of ["from", "q", "after"] as const) {
    const value = options[name];
    if (value !== undefined) query.set(name, value);
  }
  const search = query.toString();
  const url = `${connection.baseUrl}/messages/stream${search ? `?${search}` : ""}`;
  const toMessage = (data: string): Message => {
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      throw new LyftrApiError(200, data);
    }
    return connection.validateResponse ? Message.parse(value) : (value as Message);
  };

  // One controller for every connection: the caller's signal, a `break` and `return()` all end the one open.
  const controller = new AbortController();

  async function* run(): AsyncGenerator<Message, void, undefined> {
    const { signal } = options;
    if (signal?.aborted) return;
    const abort = () => controller.abort();
    signal?.addEventListener("abort", abort, { once: true });
    let retryMs = DEFAULT_RETRY_MS;
    let failures = 0;
    try {
      while (!controller.signal.aborted) {
        const headers: Record<string, string> = { accept: "text/event-stream" };
        if (connection.readToken) headers.authorization = `Bearer ${connection.readToken}`;
        // As EventSource does: the URL stays as first opened, the header says how far it got.
        if (lastEventId !== undefined) headers["last-event-id"] = lastEventId;
        let response: Response | undefined;
        try {
          response = await fetch(url, { headers, signal: controller.signal });
        } catch {
          if (controller.signal.aborted) return;
        }
        // Busy or slow (429, 408) or failing (5xx): worth another try later, unlike a refusal.
        if (response === undefined || response.status >= 500 || response.status === 408 || response.status === 429) {
          await response?.body?.cancel().catch(() => undefined);
          failures += 1;
        } else if (response.status !== 200 || !/^text\/event-stream\b/i.test(response.headers.get("content-type") ?? "")) {
          // A refusal (401, 422…) says the same on every retry.
          throw new LyftrApiError(response.status, await bodyOf(response));
        } else {
          // Open is not enough (a stopping service answers 200 and ends at once): heard from is.
          failures += 1;
          const parser = new EventStreamParser(lastEventId ?? "");
          const decoder = new TextDecoder();
          const reader = response.body?.getReader();
          for (;;) {
            const chunk = reader ? await reader.read().catch(() => null) : null;
            if (controller.signal.aborted) return;
            // Ended or dropped, the same to a reader: reconnect and resume.
            if (chunk === null || chunk.done) break;
            for (const item of parser.push(decoder.decode(chunk.value, { stream: true }))) {
              failures = 0;
              if (item.kind === "retry") retryMs = Math.min(item.ms, MAX_RETRY_MS);
              else if (item.kind === "id") lastEventId = item.lastEventId || undefined;
              else if (item.type === "message") {
                const message = toMessage(item.data);
                lastEventId = item.lastEventId || undefined;
                yield message;
                if (controller.signal.aborted) return;
              }
            }
          }
        }
        // Doubling only from the second failure in a row: one drop waits what the server asked.
        // Spread by a fifth either way: clients dropped together by a restart do not all return at once.
        const delay = Math.min(retryMs * 2 ** Math.max(0, failures - 1), MAX_RETRY_MS);
        await sleep(delay * (0.8 + Math.random() * 0.4), controller.signal);
      }
    } finally {
      signal?.removeEventListener("abort", abort);
      controller.abort();
    }
  }

  const stream = run();
  const finish = stream.return.bind(stream);
  // A generator's return() waits for a pending next(), which waits for a message that may never
  // come: ending the connection first lets both settle at once.
  stream.return = (value) => {
    controller.abort();
    return finish(value);
  };
  return Object.defineProperty(stream, "position", { get: () => lastEventId ?? options.after, enumerable: true }) as MessageStream;
}

async function bodyOf(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => "");
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Resolves after `ms`, or at once when the signal aborts. */
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
