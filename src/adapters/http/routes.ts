// The contract's routes bound to the use cases: each outcome mapped to a status and body.
import { initServer } from "@ts-rest/express";
import type { RequestHandler } from "express";
import type { ReadGate } from "./read-access.js";
import type { WebhookLocals } from "./request-facts.js";
import type { UseCases } from "../../application/use-cases.js";
import { contract } from "../../contracts/contract.js";
import { encodeCursor } from "../../contracts/cursor.js";

const s = initServer();

export interface RouteOptions {
  webhookGate: RequestHandler[];
  readGate: ReadGate;
  secretConfigured: boolean;
}

export function createRoutes(useCases: UseCases, options: RouteOptions) {
  return s.router(contract, {
    ingestMessage: {
      middleware: options.webhookGate,
      handler: async ({ body, res }) => {
        const outcome = await useCases.ingestMessage(body);
        const locals: WebhookLocals = res.locals;
        locals.ingest = { messageId: body.message_id, duplicate: outcome.kind === "duplicate" };
        return { status: 200, body: { status: "ok" } }; // created or duplicate: both are a 200
      },
    },
    listMessages: {
      middleware: [options.readGate],
      handler: async ({ query }) => {
        const { next, ...page } = await useCases.listMessages(query);
        const body = next === undefined ? page : { ...page, next_cursor: next && encodeCursor(next) };
        return { status: 200, body };
      },
    },
    getStats: {
      middleware: [options.readGate],
      handler: async () => ({ status: 200, body: await useCases.computeStats() }),
    },
    live: async () => ({ status: 200, body: { status: "live" } }),
    ready: async () => {
      if (!options.secretConfigured) {
        return { status: 503, body: { status: "not ready", reason: "webhook secret not configured" } };
      }
      if (!(await useCases.storageReady())) {
        return { status: 503, body: { status: "not ready", reason: "database unavailable" } };
      }
      return { status: 200, body: { status: "ready" } };
    },
  });
}
