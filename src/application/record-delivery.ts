// RecordDelivery: a webhook attempt that stored nothing goes in the delivery log; created and duplicate do not.
import { isLoggedResult, storableDelivery, type Delivery } from "../domain/delivery.js";
import type { DeliveryLog } from "./ports.js";

/** Queues and returns at once: the request that is being answered never waits for the log. */
export function recordDelivery(ports: { deliveries: DeliveryLog }, delivery: Delivery): void {
  if (isLoggedResult(delivery.result)) ports.deliveries.record(storableDelivery(delivery));
}
