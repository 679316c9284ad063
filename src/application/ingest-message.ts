// IngestMessage: store a verified message once, and tell the live streams; a repeated message_id changes nothing, and one with other content is a conflict.
import type { ReceivedMessage } from "../domain/message.js";
import type { ArrivalFeed } from "./arrival-feed.js";
import type { InsertOutcome, MessageRepository } from "./ports.js";

export type IngestOutcome = InsertOutcome;

export async function ingestMessage(
  ports: { messages: MessageRepository; feed?: Pick<ArrivalFeed, "wake"> },
  message: ReceivedMessage,
): Promise<IngestOutcome> {
  // The first copy wins: a later one, the same or not, is acknowledged and stored nowhere.
  const outcome = await ports.messages.insertIfAbsent(message);
  if (outcome.kind === "created") ports.feed?.wake();
  return outcome;
}
