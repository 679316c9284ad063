// IngestMessage: store a verified message once; a repeated message_id changes nothing.
import type { Message } from "../domain/message.js";
import type { MessageRepository } from "./ports.js";

export type IngestOutcome = { kind: "created" } | { kind: "duplicate" };

export async function ingestMessage(
  ports: { messages: MessageRepository },
  message: Message,
): Promise<IngestOutcome> {
  const stored = await ports.messages.insertIfAbsent(message);
  return stored ? { kind: "created" } : { kind: "duplicate" };
}
