// ListMessages: one page of the messages that match, in the order asked for, and how many match in all.
import { isStorableText, type ListOrder, type ListPosition, type Message } from "../domain/message.js";
import type { MessageRepository, Waiter } from "./ports.js";

export interface ListQuery {
  limit: number;
  offset: number;
  from?: string;
  to?: string;
  /** The sort key of the instant messages must be at or after (domain `dateTimeKey`). */
  sinceKey?: string;
  /** The sort key of the instant messages must be before. */
  untilKey?: string;
  q?: string;
  /** Absent means `asc`. */
  order?: ListOrder;
  /** Keyset paging: null starts at the beginning, a position continues after it; undefined is offset paging. */
  cursor?: ListPosition | null;
}

export interface ListResult {
  data: Message[];
  total: number;
  limit: number;
  offset: number;
  /** With keyset paging: where the next page starts, or null when this page is the last. */
  next?: ListPosition | null;
}

/** `waiter`: who waits for the answer, and may stop waiting (MessageRepository.list). */
export async function listMessages(ports: { messages: MessageRepository }, query: ListQuery, waiter?: Waiter): Promise<ListResult> {
  const { limit, offset, from, to, sinceKey, untilKey, q, order, cursor } = query;
  // Stored text never holds a NUL or a lone surrogate, so such a q matches nothing: no need to ask.
  if (q && !isStorableText(q)) return { data: [], total: 0, limit, offset, ...(cursor !== undefined && { next: null }) };
  const { data, total, last } = await ports.messages.list(
    { from, to, sinceKey, untilKey, q: q || undefined },
    { limit, offset, after: cursor ?? undefined, order },
    waiter,
  );
  const result = { data, total, limit, offset };
  if (cursor === undefined) return result;
  // A short page is the last one; a full page may be followed by more.
  return { ...result, next: data.length === limit ? last : null };
}
