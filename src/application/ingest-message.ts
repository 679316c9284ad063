// IngestMessage: store a verified message once; a repeated message_id changes nothing, and one with other content is a conflict.
import type { ReceivedMessage } from "../domain/message.js";
import type { InsertOutcome, MessageRepository } from "./ports.js";

export type IngestOutcome = InsertOutcome;

export async function ingestMessage(ports: { messages: MessageRepository }, message: ReceivedMessage): Promise<IngestOutcome> {
  // The first copy wins: a later one, the same or not, is acknowledged and stored nowhere.
  return ports.messages.insertIfAbsent(message);
}
