// Binds the use cases to their ports once; adapters depend on this type, not on the ports.
import { checkReadiness } from "./check-readiness.js";
import { computeStats } from "./compute-stats.js";
import { exportMessages, type ExportQuery } from "./export-messages.js";
import { ingestMessage } from "./ingest-message.js";
import { listDeliveries, type DeliveryQuery } from "./list-deliveries.js";
import { listMessages, type ListQuery } from "./list-messages.js";
import type { DeliveryLog, MessageRepository } from "./ports.js";
import { purgeExpiredMessages, type RetentionRule } from "./purge-expired-messages.js";
import { recordDelivery } from "./record-delivery.js";
import type { Delivery } from "../domain/delivery.js";
import type { ReceivedMessage } from "../domain/message.js";

export interface Ports {
  messages: MessageRepository;
  deliveries: DeliveryLog;
}

export function createUseCases(ports: Ports) {
  return {
    ingestMessage: (message: ReceivedMessage) => ingestMessage(ports, message),
    listMessages: (query: ListQuery) => listMessages(ports, query),
    exportMessages: (query: ExportQuery) => exportMessages(ports, query),
    computeStats: () => computeStats(ports),
    recordDelivery: (delivery: Delivery) => recordDelivery(ports, delivery),
    listDeliveries: (query: DeliveryQuery) => listDeliveries(ports, query),
    checkReadiness: () => checkReadiness(ports),
    purgeExpiredMessages: (rule: RetentionRule, now = new Date()) => purgeExpiredMessages(ports, { ...rule, now }),
  };
}

export type UseCases = ReturnType<typeof createUseCases>;
