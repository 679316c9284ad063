// One JSON line per request, with a request id taken from X-Request-Id or made here, and echoed back.
import { randomUUID } from "node:crypto";
import { endOf, isEventStream, splitUrl } from "./request-facts.js";
import { afterVerdict } from "./webhook-pipeline.js";
import type { Step } from "./steps.js";

/** One request's line: these keys, in this order; an undefined one is left out. */
export type RequestLine = {
  request_id: string;
  method: string | undefined;
  path: string;
  status: number;
  latency_ms: number;
  /** The connection closed before the whole answer was sent (never on an event stream, which ends that way). */
  incomplete?: true | undefined;
  message_id?: string | undefined;
  dup?: boolean | undefined;
  result?: string | undefined;
};

export interface RequestLogger {
  /** Logs the line at info, as `msg` "request". */
  request(line: RequestLine): void;
}

/** A caller's id is kept only if it is short and plain, so it cannot forge log lines or headers. */
const USABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestLog(logger: RequestLogger): Step {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    // As sent, without the query (which may hold search words); read now, before a mounted router rewrites req.url.
    const { path } = splitUrl(req.url);
    const offered = req.headers["x-request-id"];
    const id = typeof offered === "string" && USABLE_ID.test(offered) ? offered : randomUUID();
    res.setHeader("X-Request-Id", id);
    const isStream = isEventStream(req);
    // "close", not "finish": it follows "finish", and also comes alone when the client leaves first.
    res.once("close", () => {
      const { status, complete } = endOf(req, res);
      const line: RequestLine = {
        request_id: id,
        method: req.method,
        path,
        status,
        latency_ms: Number(process.hrtime.bigint() - started) / 1e6,
        incomplete: complete || isStream ? undefined : true,
      };
      // Never headers, body or text: they hold signatures, tokens and people's messages.
      afterVerdict(res, (verdict) => {
        if (verdict !== undefined) {
          const stored = verdict.result === "created" || verdict.result === "duplicate" || verdict.result === "conflict";
          Object.assign(line, {
            message_id: stored ? verdict.messageId : undefined,
            dup: stored ? verdict.result !== "created" : undefined,
            result: verdict.result,
          });
        }
        logger.request(line);
      });
    });
    next();
  };
}
