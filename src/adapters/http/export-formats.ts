// The export's two file formats: NDJSON, and CSV per RFC 4180.
import type { Message } from "../../domain/message.js";
import type { ExportFormat } from "../../contracts/message-export-schemas.js";

/** The fields in the API's order, so a line reads like a listed message. */
const ndjsonLine = (m: Message) =>
  `${JSON.stringify({ message_id: m.message_id, from: m.from, to: m.to, ts: m.ts, text: m.text })}\n`;

/**
 * Quoted only when RFC 4180 requires it. An empty text is `""` and no text at all an empty field,
 * so the two stay apart for a reader that looks.
 */
const csvField = (value: string | null) =>
  value === null ? "" : value === "" || /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;

const csvRow = (m: Message) => `${[m.message_id, m.from, m.to, m.ts, m.text].map(csvField).join(",")}\r\n`;

export const EXPORT_WRITERS: Record<ExportFormat, { head: string; row: (m: Message) => string }> = {
  ndjson: { head: "", row: ndjsonLine },
  csv: { head: "message_id,from,to,ts,text\r\n", row: csvRow },
};
