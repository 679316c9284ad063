// Starts the real app on an ephemeral port over a real database, with a contract-validating client.
import type { AddressInfo } from "node:net";
import { createApp } from "../../src/adapters/http/app.js";
import { createHttpServer } from "../../src/adapters/http/server.js";
import { openDatabase, type DatabaseLocation, type Storage } from "../../src/adapters/storage/database.js";
import { createUseCases, type StreamOptions } from "../../src/application/use-cases.js";
import { createClient } from "../../src/contracts/client.js";
import { publicKeys, signingKeys } from "../../src/contracts/signature.js";
import { testDatabase } from "./databases.js";

export const SECRET = "test-secret";

export interface TestServer {
  baseUrl: string;
  /** Signs webhooks with `secret`; checks every answer against the contract; throws on undeclared statuses. */
  client: ReturnType<typeof createClient>;
  storage: Storage;
  /** What the app logged as errors (500s, storage failures), delivery-log batches and live-stream reads that failed. */
  loggedErrors: unknown[];
  /** The one-line-per-request log, as the fields it was given. */
  requestLines: object[];
  /** What the app logged as warnings (conflicting copies). */
  warnings: object[];
  /** The server's own drain(), as SIGTERM runs it: stops accepting, ends event streams, resolves when every socket is closed. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export interface ServerOptions {
  /** WEBHOOK_SECRET as it would be set; "" means none. Default SECRET. */
  secrets?: string;
  /** WEBHOOK_PUBLIC_KEYS as it would be set (whpk_ keys, comma-separated). Default none. */
  publicKeys?: string;
  /** Default: a fresh database of the kind this test project runs on (see testDatabase). */
  database?: DatabaseLocation;
  maxBodyBytes?: number;
  /** READ_API_TOKEN as it would be set (comma-separated); the client sends the first. */
  readTokens?: string;
  toleranceSeconds?: number;
  /** REQUEST_TIMEOUT_SECONDS, in ms; default the service's 10 s. */
  requestTimeoutMs?: number;
  nowSeconds?: () => number;
  /** DELIVERY_LOG_MAX_ROWS as it would be set; default 10,000. */
  deliveryLogMaxRows?: number;
  /** Live streams: poll interval, batch, queue bound (default the service's). */
  stream?: StreamOptions;
  /** Between two heartbeats of an event stream; default the service's 15 s. */
  streamHeartbeatMs?: number;
}

export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const secrets = options.secrets ?? SECRET;
  const fresh = options.database ? undefined : await testDatabase().create();
  const errors: unknown[] = [];
  const storage = await openDatabase(
    options.database ?? fresh!.location,
    { onDeliveryLogError: (error) => errors.push(error) },
    { deliveryLogMaxRows: options.deliveryLogMaxRows },
  );
  const requestLines: object[] = [];
  const warnings: object[] = [];
  const app = createApp({
    useCases: createUseCases(
      { messages: storage.messages, deliveries: storage.deliveries },
      { stream: { onError: (error) => errors.push(error), ...options.stream } },
    ),
    streamHeartbeatMs: options.streamHeartbeatMs,
    deliveryLogDropped: () => storage.deliveries.droppedCount(),
    webhook: {
      signingKeys: signingKeys(secrets),
      publicKeys: publicKeys(options.publicKeys ?? ""),
      maxBodyBytes: options.maxBodyBytes ?? 64 * 1024,
      toleranceSeconds: options.toleranceSeconds ?? 300,
      nowSeconds: options.nowSeconds,
    },
    readTokens: (options.readTokens ?? "").split(",").map((t) => t.trim()).filter(Boolean),
    logger: {
      error: (fields) => errors.push(fields),
      warn: (fields) => void warnings.push(fields),
      request: (line) => void requestLines.push(line),
    },
    validateResponses: true,
  });
  const server = createHttpServer(app, { requestTimeoutMs: options.requestTimeoutMs });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const firstSecret = secrets.split(",")[0]?.trim();
  return {
    baseUrl,
    client: createClient({
      baseUrl,
      secret: firstSecret || undefined,
      readToken: options.readTokens?.split(",")[0]?.trim() || undefined,
      validateResponse: true,
      throwOnUnknownStatus: true,
    }),
    storage,
    loggedErrors: errors,
    requestLines,
    warnings,
    drain: () => server.drain(),
    async close() {
      server.closeAllConnections();
      // After drain() the server is closed already, and close() would wait for a "close" that came before.
      if (server.listening) await new Promise((resolve) => server.close(resolve));
      await storage.close();
      await fresh?.drop();
    },
  };
}
