// The real app on an ephemeral port over a repository a test shapes itself (a store that never ends, or one that waits), for HTTP behaviour no real database can be made to show on cue.
import type { AddressInfo } from "node:net";
import { createApp } from "../../src/adapters/http/app.js";
import { createHttpServer } from "../../src/adapters/http/server.js";
import type { MessageRepository } from "../../src/application/ports.js";
import { createUseCases } from "../../src/application/use-cases.js";
import { signingKeys } from "../../src/contracts/signature.js";
import type { RequestLine } from "../../src/adapters/http/request-log.js";
import { memoryDeliveryLog } from "./memory-delivery-log.js";

export interface AppOver {
  baseUrl: string;
  /** What the app logged as errors. */
  errors: unknown[];
  /** The one-line-per-request log. */
  lines: RequestLine[];
  close(): Promise<void>;
}

/** `secret`: WEBHOOK_SECRET as it would be set (default none: every webhook is 503). */
export async function appOver(messages: MessageRepository, options: { secret?: string } = {}): Promise<AppOver> {
  const errors: unknown[] = [];
  const lines: RequestLine[] = [];
  const app = createApp({
    useCases: createUseCases({ messages, deliveries: memoryDeliveryLog() }),
    webhook: { signingKeys: signingKeys(options.secret ?? ""), publicKeys: [], maxBodyBytes: 65536, toleranceSeconds: 300 },
    logger: { error: (fields) => void errors.push(fields), warn: () => {}, request: (line) => void lines.push(line) },
  });
  const server = createHttpServer(app, {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    errors,
    lines,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
