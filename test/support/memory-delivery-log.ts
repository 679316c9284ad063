// An in-memory DeliveryLog for use-case tests only; the real one is tested against real databases.
import type { DeliveryFilter, DeliveryLog, DeliveryPageRequest } from "../../src/application/ports.js";
import type { Delivery, StoredDelivery } from "../../src/domain/delivery.js";

export function memoryDeliveryLog(): DeliveryLog & { rows: StoredDelivery[] } {
  const rows: StoredDelivery[] = [];
  return {
    rows,
    record(delivery: Delivery) {
      rows.push({ ...delivery, id: String(rows.length + 1) });
    },
    async list(filter: DeliveryFilter, page: DeliveryPageRequest) {
      return rows
        .filter((d) => filter.result === undefined || d.result === filter.result)
        .filter((d) => filter.sinceIso === undefined || d.receivedAt >= filter.sinceIso)
        .filter((d) => filter.messageId === undefined || d.messageId === filter.messageId)
        .filter((d) => page.before === undefined || Number(d.id) < Number(page.before))
        .reverse()
        .slice(0, page.limit);
    },
    async flush() {},
  };
}
