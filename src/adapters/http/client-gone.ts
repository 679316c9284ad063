// A request's client going away before its answer: the reason dear reads still waiting for their turn are dropped.
import type { ServerResponse } from "node:http";
import type { Waiter } from "../../application/ports.js";

/** The connection closed before the answer was sent: there is no one left to answer, and nothing went wrong. */
export class ClientGoneError extends Error {
  constructor() {
    super("the client closed the connection before its answer");
    this.name = "ClientGoneError";
  }
}

/**
 * The request's client, as the waiter for its read: the signal aborts, with ClientGoneError, once
 * the connection closes before the answer is sent. Under overload a client that timed out would
 * otherwise still have its search read for no one, ahead of those still waiting. The signal is made
 * when first asked for, by a read that may wait: most reads never ask, and making one costs some 5 µs.
 */
export function clientWaiting(res: ServerResponse): Waiter {
  let signal: AbortSignal | undefined;
  const gone = () => res.destroyed && !res.writableFinished;
  return {
    get signal() {
      if (signal !== undefined) return signal;
      if (gone()) return (signal = AbortSignal.abort(new ClientGoneError()));
      const controller = new AbortController();
      // "close" comes after every answer too, once it is sent; only one not finished by then was abandoned.
      res.once("close", () => {
        if (gone()) controller.abort(new ClientGoneError());
      });
      return (signal = controller.signal);
    },
  };
}
