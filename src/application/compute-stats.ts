// ComputeStats: totals, the ten busiest senders, and the first and last timestamps.
import type { MessageRepository, MessageStats } from "./ports.js";

export const TOP_SENDERS = 10;

export async function computeStats(ports: { messages: MessageRepository }): Promise<MessageStats> {
  return ports.messages.stats(TOP_SENDERS);
}
