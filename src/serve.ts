// Composition root, the service itself: database → use cases → app → listen. SIGTERM/SIGINT drain and close.
// One process, or each worker of a cluster (main.ts decides).
import { createApp } from "./adapters/http/app.js";
import { createHttpServer } from "./adapters/http/server.js";
import type { LineLogger } from "./adapters/log/quiet-repeats.js";
import { openDatabase } from "./adapters/storage/database.js";
import { startRetention, type RetentionRunner } from "./application/retention-runner.js";
import { createUseCases } from "./application/use-cases.js";
import type { Config } from "./config.js";

/**
 * Retention's pace: a batch of a few hundred rows holds the writer for milliseconds, and the pause
 * after it lets waiting webhooks commit first; still some ten thousand rows a second when far behind.
 */
const RETENTION = { maxRows: 500, pauseMs: 25, intervalMs: 60_000 };

/** `graceMs`: how long requests in flight may take to finish after SIGTERM/SIGINT, before exit 1. */
export async function serve(config: Readonly<Config>, logger: LineLogger, { graceMs }: { graceMs: number }): Promise<void> {
  /** In a cluster, this worker's slot, in the log lines that tell workers apart. */
  const worker = config.workerSlot === undefined ? {} : { worker: config.workerSlot };

  const storage = await openDatabase(
    config.database,
    {
      onIdleError: (error) => logger.warn({ err: error }, "database connection lost; it will be replaced"),
      onMigrationRetry: (error, retryInMs) =>
        logger.error({ err: error, retryInMs }, "database unavailable at start-up; answering 503 until it is back"),
      onMigrationWait: () => logger.info({}, "another process has the database file; waiting for it (migrating the schema?)"),
      onTextIndexError: (error) => logger.warn({ err: error }, "text index or background search failed (searches stay exact, only slower)"),
      onTextIndexDamaged: (error, setAside) =>
        logger.warn({ err: error, setAside }, "search index damaged; set aside and rebuilding (searches stay exact, only slower)"),
      onDeliveryLogError: (error) => logger.warn({ err: error }, "delivery log entries could not be written; they are dropped"),
    },
    { deliveryLogMaxRows: config.deliveryLogMaxRows },
  ).catch((error: unknown) => {
    logger.fatal({ err: error }, "cannot open the database");
    process.exit(1);
  });
  const useCases = createUseCases(
    { messages: storage.messages, deliveries: storage.deliveries },
    { stream: { onError: (error) => logger.warn({ err: error }, "live streams could not read new messages; they try again shortly") } },
  );
  const retentionDays = config.retentionDays;
  // In a cluster, one worker purges: several would only take turns deleting the same rows.
  const retention: RetentionRunner | undefined =
    retentionDays === undefined || (config.workerSlot ?? 0) !== 0
      ? undefined
      : startRetention({
          ...RETENTION,
          purgeBatch: () => useCases.purgeExpiredMessages({ retentionDays, maxRows: RETENTION.maxRows }),
          onRun: (purged) => {
            if (purged > 0) logger.info({ purged, retentionDays }, `purged ${purged} messages received over ${retentionDays} days ago`);
          },
          onError: (error) => logger.warn({ err: error }, "retention purge failed; it runs again later"),
        });
  // Retention first: a batch in flight finishes before the database closes under it.
  const closeStorage = async () => {
    await retention?.stop();
    await storage.close();
  };
  const app = createApp({
    useCases,
    webhook: {
      signingKeys: config.signingKeys,
      publicKeys: config.publicKeys,
      maxBodyBytes: config.maxBodyBytes,
      toleranceSeconds: config.toleranceSeconds,
    },
    readTokens: config.readTokens,
    logger,
    deliveryLogDropped: () => storage.deliveries.droppedCount(),
  });

  const server = createHttpServer(app, { requestTimeoutMs: config.requestTimeoutMs });
  server.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : config.port;
    const url = `http://${urlHost(config.host)}:${port}`;
    const docs = `${url}/docs`;
    logger.info({ host: config.host, port, url, docs, database: config.database.kind, ...worker }, `listening on ${url} (API docs: ${docs})`);
    if (config.signingKeys.length + config.publicKeys.length === 0 && (config.workerSlot ?? 0) === 0) {
      logger.warn({}, "neither WEBHOOK_SECRET nor WEBHOOK_PUBLIC_KEYS is set: /webhook answers 503 until one is");
    }
  });
  server.on("error", (error: NodeJS.ErrnoException) => {
    // One line a person can act on, like a bad setting: which address, and which variables choose it.
    console.error(`cannot listen on ${urlHost(config.host)}:${config.port}: ${listenProblem(error)} (set PORT or HOST)`);
    void closeStorage().finally(() => process.exit(1));
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, ...worker }, "shutting down");
    setTimeout(() => {
      logger.error({}, "requests still open after the grace period; exiting");
      process.exit(1);
    }, graceMs).unref();
    server
      .drain()
      .then(closeStorage)
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, "shutdown failed");
          process.exit(1);
        },
      );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

/** An IPv6 address goes in brackets in a URL. */
const urlHost = (host: string) => (host.includes(":") ? `[${host}]` : host);

function listenProblem(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case "EADDRINUSE":
      return "the address is already in use (is another instance running?)";
    case "EACCES":
      return "permission denied (ports below 1024 need privileges)";
    case "EADDRNOTAVAIL":
      return "no such address on this machine";
    default:
      return error.code ?? error.message;
  }
}

