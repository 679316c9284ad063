// Binds the use cases to their ports once; adapters depend on this type, not on the ports.
import { createArrivalFeed, type ArrivalFeedOptions } from "./arrival-feed.js";
import { checkReadiness } from "./check-readiness.js";
import { computeStats } from "./compute-stats.js";
import { exportMessages, type ExportQuery } from "./export-messages.js";
import { ingestMessage } from "./ingest-message.js";
import { listDeliveries, type DeliveryQuery } from "./list-deliveries.js";
import { listMessages, type ListQuery } from "./list-messages.js";
import type { DeliveryLog, MessageRepository, Waiter } from "./ports.js";
import { purgeExpiredMessages, type RetentionRule } from "./purge-expired-messages.js";
import { recordDelivery } from "./record-delivery.js";
import { streamMessages, type StreamLimits, type StreamQuery } from "./stream-messages.js";
import type { Delivery } from "../domain/delivery.js";
import type { ReceivedMessage } from "../domain/message.js";

export interface Ports {
  messages: MessageRepository;
  deliveries: DeliveryLog;
}

export interface StreamOptions extends Partial<StreamLimits>, Partial<ArrivalFeedOptions> {}

/**
 * Streams poll for other processes' messages four times a second (this one's wake them within 10 ms,
 * gathering the commits of those 10 ms into one read and one write per stream), and hold at most a
 * few hundred messages for a slow reader before reading the store instead.
 */
const STREAM_DEFAULTS = { pollMs: 250, batch: 500, maxQueued: 500, gatherMs: 10 };

export function createUseCases(ports: Ports, options: { stream?: StreamOptions } = {}) {
  const stream = { ...STREAM_DEFAULTS, ...options.stream };
  const feed = createArrivalFeed(ports.messages, stream);
  return {
    ingestMessage: (message: ReceivedMessage) => ingestMessage({ ...ports, feed }, message),
    listMessages: (query: ListQuery, waiter?: Waiter) => listMessages(ports, query, waiter),
    exportMessages: (query: ExportQuery, waiter?: Waiter) => exportMessages(ports, query, waiter),
    streamMessages: (query: StreamQuery) => streamMessages({ ...ports, feed }, query, stream),
    computeStats: () => computeStats(ports),
    recordDelivery: (delivery: Delivery) => recordDelivery(ports, delivery),
    listDeliveries: (query: DeliveryQuery) => listDeliveries(ports, query),
    checkReadiness: () => checkReadiness(ports),
    purgeExpiredMessages: (rule: RetentionRule, now = new Date()) => purgeExpiredMessages(ports, { ...rule, now }),
  };
}

export type UseCases = ReturnType<typeof createUseCases>;
