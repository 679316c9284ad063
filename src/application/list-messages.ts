// ListMessages: one page of the messages that match, oldest instant first, and how many match in all.
import { dateTimeKey, type Message } from "../domain/message.js";
import type { MessageRepository } from "./ports.js";

export interface ListQuery {
  limit: number;
  offset: number;
  from?: string;
  /** ISO-8601 date-time with `Z` or an offset; validated by the caller. */
  since?: string;
  q?: string;
}

export interface ListResult {
  data: Message[];
  total: number;
  limit: number;
  offset: number;
}

export async function listMessages(
  ports: { messages: MessageRepository },
  query: ListQuery,
): Promise<ListResult> {
  const { limit, offset, from, since, q } = query;
  const sinceKey = since === undefined ? undefined : dateTimeKey(since);
  if (sinceKey === null) throw new RangeError(`since is not an ISO-8601 date-time: ${since}`);
  const page = await ports.messages.list({ from, sinceKey, q: q || undefined }, { limit, offset });
  return { ...page, limit, offset };
}
