// ExportMessages: every message that matches, in the order asked for, read batch by batch so memory stays flat.
import { isStorableText, type ListOrder, type ListPosition, type Message } from "../domain/message.js";
import type { MessageFilter, MessageRepository, Waiter } from "./ports.js";

export interface ExportQuery extends MessageFilter {
  order?: ListOrder;
}

export const EXPORT_BATCH = 1000;

/**
 * Yields each batch as it is read; the caller asks for the next only when it has written this one,
 * and stops the reading by stopping the iteration. Batches continue by keyset, so a message stored
 * meanwhile is neither repeated nor the cause of a skip. A batch still waiting for its turn when
 * the waiter leaves is dropped, as a page's read is: the iteration cannot be stopped while it waits.
 */
export async function* exportMessages(
  ports: { messages: MessageRepository },
  query: ExportQuery,
  waiter?: Waiter,
  batchSize = EXPORT_BATCH,
): AsyncGenerator<Message[], void, undefined> {
  const { order, ...filter } = query;
  // Stored text never holds a NUL or a lone surrogate: such a q matches nothing.
  if (filter.q && !isStorableText(filter.q)) return;
  const narrowed = { ...filter, q: filter.q || undefined };
  let after: ListPosition | undefined;
  for (;;) {
    const { data, last } = await ports.messages.batch(narrowed, { limit: batchSize, after, order }, waiter);
    if (data.length > 0) yield data;
    if (data.length < batchSize || last === null) return;
    after = last;
  }
}
