// ListDeliveries: one page of the delivery log, newest first, and where the next page starts.
import type { StoredDelivery, WebhookResult } from "../domain/delivery.js";
import type { DeliveryLog } from "./ports.js";

export interface DeliveryQuery {
  limit: number;
  result?: WebhookResult;
  /** Received at or after this instant: ISO-8601 UTC with milliseconds (domain `receivedAtBound`). */
  since?: string;
  messageId?: string;
  /** The id to continue before (the previous page's `next`); null or absent starts at the newest. */
  cursor?: string | null;
}

export interface DeliveryPage {
  data: StoredDelivery[];
  limit: number;
  /** The id the next page continues before, or null when this page is the last. */
  next: string | null;
}

export async function listDeliveries(ports: { deliveries: DeliveryLog }, query: DeliveryQuery): Promise<DeliveryPage> {
  const { limit, result, since, messageId, cursor } = query;
  // One entry beyond the page tells whether another page follows, so the last page says so itself.
  const rows = await ports.deliveries.list(
    { result, sinceIso: since, messageId },
    { limit: limit + 1, ...(cursor ? { before: cursor } : {}) },
  );
  const data = rows.slice(0, limit);
  return { data, limit, next: rows.length > limit ? data.at(-1)!.id : null };
}
