// GET /messages/export's shapes: the list's filters and order plus a format, and the two bodies it streams.
import { extendApi } from "@anatine/zod-openapi";
import { z } from "zod";
import { messageFilterFields } from "./message-filter-schemas.js";
import { SAMPLE, doc } from "./schema-parts.js";

export const EXPORT_FORMATS = ["ndjson", "csv"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** What each format is sent as, and the file name it suggests. */
export const EXPORT_MEDIA: Record<ExportFormat, { contentType: string; filename: string }> = {
  ndjson: { contentType: "application/x-ndjson", filename: "messages.ndjson" },
  csv: { contentType: "text/csv; charset=utf-8", filename: "messages.csv" },
};

export const MessagesExportQuery = z.object({
  format: extendApi(
    z
      .string()
      .refine((value): value is ExportFormat => (EXPORT_FORMATS as readonly string[]).includes(value), "must be ndjson or csv")
      .default("ndjson"),
    {
      type: "string",
      enum: [...EXPORT_FORMATS],
      default: "ndjson",
      description: "`ndjson` (the default): one Message as JSON per line; `csv`: RFC 4180 with a header row.",
    },
  ),
  ...messageFilterFields,
});

export const ExportNdjson = doc(
  z.string(),
  "One `Message` object per line, `\\n` after each, in the requested `order`; nothing at all when none match.",
  `${JSON.stringify(SAMPLE)}\n`,
);

export const ExportCsv = doc(
  z.string(),
  "RFC 4180, UTF-8, CRLF line ends: the header `message_id,from,to,ts,text`, then one row per message. A field " +
    "holding a comma, a quote, CR or LF is quoted, with quotes doubled; a message without text has an empty `text`.",
  `message_id,from,to,ts,text\r\n${[SAMPLE.message_id, SAMPLE.from, SAMPLE.to, SAMPLE.ts, SAMPLE.text].join(",")}\r\n`,
);

export type MessagesExportQuery = z.infer<typeof MessagesExportQuery>;
