// GET /messages/export: the contract's query, then the matches streamed batch by batch, at the pace the client reads.
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { UseCases } from "../../application/use-cases.js";
import { EXPORT_MEDIA, MessagesExportQuery } from "../../contracts/message-export-schemas.js";
import type { Message } from "../../domain/message.js";
import { clientWaiting } from "./client-gone.js";
import { VALIDATION_FAILED, issuesOf, sendJson, validationBody, type ErrorLogger } from "./errors.js";
import { EXPORT_WRITERS } from "./export-formats.js";

type Next = (error?: unknown) => void;

/** The head, then one chunk per batch: memory holds one batch, whatever the size of the export. */
async function* chunks(head: string, first: Message[] | undefined, rest: AsyncIterator<Message[]>, row: (m: Message) => string) {
  if (head !== "") yield head;
  for (let batch = first; batch !== undefined; ) {
    yield batch.map(row).join("");
    const next = await rest.next();
    batch = next.done ? undefined : next.value;
  }
}

export function exportRoute(useCases: UseCases, logger: ErrorLogger) {
  return async (req: IncomingMessage & { query?: unknown }, res: ServerResponse, next: Next): Promise<void> => {
    const parsed = MessagesExportQuery.safeParse(req.query);
    if (!parsed.success) return sendJson(res, 422, validationBody(VALIDATION_FAILED, issuesOf(parsed.error, "query")));
    const { format, since, until, ...filter } = parsed.data;
    const batches = useCases.exportMessages({ ...filter, sinceKey: since, untilKey: until }, clientWaiting(res));
    let first: IteratorResult<Message[]>;
    try {
      // Read before answering: while no byte is sent, an unavailable database can still be a 503.
      first = await batches.next();
    } catch (error) {
      return next(error);
    }
    const { contentType, filename } = EXPORT_MEDIA[format];
    res.statusCode = 200;
    res.setHeader("Content-Type", contentType);
    res.setHeader("Content-Disposition", `attachment; filename="${filename}"`);
    res.setHeader("Cache-Control", "no-store");
    // HEAD answers as GET would, without reading the whole export to throw it away.
    if (req.method === "HEAD") return void (await batches.return(), res.end());
    const { head, row } = EXPORT_WRITERS[format];
    try {
      // pipeline waits on the socket before each chunk, and on a closed one stops the reading.
      await pipeline(Readable.from(chunks(head, first.done ? undefined : first.value, batches, row), { objectMode: false }), res);
    } catch (error) {
      // A client that went away is no fault (the close is reported before the batch dropped for it);
      // anything else cut the file short, which the aborted chunked body tells the client, as no status can any more.
      if (!req.destroyed && !res.destroyed) res.destroy();
      if ((error as NodeJS.ErrnoException).code !== "ERR_STREAM_PREMATURE_CLOSE") {
        logger.error({ err: error, method: req.method, path: "/messages/export" }, "export cut short");
      }
    }
  };
}
