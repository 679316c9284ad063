// The contract's read and health routes bound to the use cases: each outcome mapped to a status and body.
import { initServer } from "@ts-rest/express";
import { clientWaiting } from "./client-gone.js";
import type { ReadGate } from "./read-access.js";
import type { UseCases } from "../../application/use-cases.js";
import { contract } from "../../contracts/contract.js";
import { encodeCursor } from "../../contracts/cursor.js";
import { encodeDeliveryCursor } from "../../contracts/delivery-cursor.js";
import type { DeliveryEntry } from "../../contracts/delivery-schemas.js";
import type { StoredDelivery } from "../../domain/delivery.js";
import type { MessageStats } from "../../application/ports.js";
import type { Stats as StatsBody } from "../../contracts/stats-schemas.js";

const s = initServer();

/**
 * Every route but POST /webhook, which runs on its own pipeline beside express (webhook-pipeline.ts),
 * GET /metrics, which answers prom-client's text from app.ts, and GET /messages/export and
 * /messages/stream, which stream (export-route.ts, stream-route.ts).
 */
const { ingestMessage: _webhook, metrics: _metrics, exportMessages: _export, streamMessages: _stream, ...servedByExpress } = contract;
export const expressRoutes = servedByExpress;

/** A log entry in the API's words. */
const deliveryEntry = (d: StoredDelivery): DeliveryEntry => ({
  id: d.id,
  received_at: d.receivedAt,
  request_id: d.requestId,
  result: d.result,
  reason: d.reason,
  message_id: d.messageId,
  signature_scheme: d.signatureScheme,
  body_bytes: d.bodyBytes,
  body_sha256: d.bodySha256,
  client_address: d.clientAddress,
  user_agent: d.userAgent,
});

export interface RouteOptions {
  readGate: ReadGate;
  secretConfigured: boolean;
}

export function createRoutes(useCases: UseCases, options: RouteOptions) {
  // The original assignment's names, beside the spec's, for clients written against either.
  const withBothNames = (stats: MessageStats): StatsBody => ({ ...stats, senders_count: stats.unique_senders, messages_per_sender: stats.top_senders });
  // Where the store hands out one frozen answer until the next commit (SQLite), so does this, and it
  // is serialized once; a fresh answer each time (PostgreSQL) is answered once and kept nowhere.
  const statsBodies = new WeakMap<MessageStats, StatsBody>();
  const statsBodyOf = (stats: MessageStats): StatsBody => {
    if (!Object.isFrozen(stats)) return withBothNames(stats);
    let body = statsBodies.get(stats);
    if (body === undefined) statsBodies.set(stats, (body = Object.freeze(withBothNames(stats))));
    return body;
  };
  return s.router(expressRoutes, {
    listMessages: {
      middleware: [options.readGate],
      handler: async ({ query: { since, until, ...query }, res }) => {
        const { next, ...page } = await useCases.listMessages({ ...query, sinceKey: since, untilKey: until }, clientWaiting(res));
        const body = next === undefined ? page : { ...page, next_cursor: next && encodeCursor({ ...next, order: query.order }) };
        return { status: 200, body };
      },
    },
    getStats: {
      middleware: [options.readGate],
      handler: async () => ({ status: 200, body: statsBodyOf(await useCases.computeStats()) }),
    },
    listDeliveries: {
      middleware: [options.readGate],
      handler: async ({ query }) => {
        const { result, since, message_id: messageId, limit, cursor } = query;
        const page = await useCases.listDeliveries({ limit, result, since, messageId, cursor });
        const body = { data: page.data.map(deliveryEntry), limit: page.limit, next_cursor: page.next && encodeDeliveryCursor(page.next) };
        return { status: 200, body };
      },
    },
    live: async () => ({ status: 200, body: { status: "live" } }),
    ready: async () => {
      if (!options.secretConfigured) {
        return { status: 503, body: { status: "not ready", reason: "webhook secret not configured" } };
      }
      const readiness = await useCases.checkReadiness();
      if (!readiness.ready) return { status: 503, body: { status: "not ready", reason: readiness.reason } };
      return { status: 200, body: { status: "ready" } };
    },
  });
}
