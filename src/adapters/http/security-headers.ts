// helmet's headers, worked out once: they do not depend on the request, and setting them per request through its chain cost a tenth of a webhook's CPU.
import type { IncomingMessage, ServerResponse } from "node:http";
import helmet from "helmet";
import type { Step } from "./steps.js";

type Helmet = ReturnType<typeof helmet>;

/** Runs helmet once against a recording response, and returns a middleware that sets what it set. */
export function securityHeaders(options: Parameters<typeof helmet>[0]): Step {
  const set: [string, string][] = [];
  const removed: string[] = [];
  const recorder = {
    setHeader: (name: string, value: string) => void set.push([name, String(value)]),
    removeHeader: (name: string) => void removed.push(name),
  } as unknown as ServerResponse;
  let ran = false;
  (helmet(options) as Helmet)({} as IncomingMessage, recorder, () => void (ran = true));
  if (!ran) throw new Error("helmet did not complete synchronously");
  return (_req, res, next) => {
    for (const name of removed) res.removeHeader(name);
    for (const [name, value] of set) res.setHeader(name, value);
    next();
  };
}
