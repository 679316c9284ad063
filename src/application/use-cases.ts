// Binds the use cases to their ports once; adapters depend on this type, not on the ports.
import { computeStats } from "./compute-stats.js";
import { ingestMessage } from "./ingest-message.js";
import { listMessages, type ListQuery } from "./list-messages.js";
import type { MessageRepository } from "./ports.js";
import type { ReceivedMessage } from "../domain/message.js";

export interface Ports {
  messages: MessageRepository;
}

export function createUseCases(ports: Ports) {
  return {
    ingestMessage: (message: ReceivedMessage) => ingestMessage(ports, message),
    listMessages: (query: ListQuery) => listMessages(ports, query),
    computeStats: () => computeStats(ports),
    /** Whether the store answers now. */
    storageReady: () =>
      ports.messages.ping().then(
        () => true,
        () => false,
      ),
  };
}

export type UseCases = ReturnType<typeof createUseCases>;
