// Request handling in express's (req, res, next) shape, typed on node:http, and run with or without express.
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";

/** A response as express hands it on, and as `runSteps` sets it up without express. */
export type Reply = ServerResponse & { locals: Record<string, unknown> };

/** One step of handling a request; `next(error)` hands over to the error step. */
export type Step = (req: IncomingMessage, res: Reply, next: (error?: unknown) => void) => void;

/** Express's shape for an error handler, on the same types. */
export type ErrorStep = (error: any, req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * The steps in order, as express would run them for a route, without express's routing and
 * request decoration. Whatever the error step passes on ends the connection.
 */
export function runSteps(steps: readonly Step[], onError: ErrorStep): RequestListener {
  return (req, res) => {
    const reply: Reply = Object.assign(res, { locals: {} });
    let k = 0;
    const next = (error?: unknown) => {
      if (error !== undefined) return onError(error, req, reply, () => void reply.destroy());
      steps[k++]?.(req, reply, next);
    };
    next();
  };
}
