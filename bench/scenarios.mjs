// The scenarios: what each one sends. Ingest runs against the app and the baseline; reads run at every seeded size.
import { MARKERS, SENDERS, YEAR_MS, YEAR_START_MS, sender } from "./dataset.mjs";

// An opaque cursor is base64url of [instant key, message_id]; any position in the order will do.
const DEEP_CURSOR = Buffer.from(
  JSON.stringify([new Date(YEAR_START_MS + YEAR_MS * 0.9).toISOString().replace(/\.000Z$/, ""), ""]),
).toString("base64url");

export const INGEST = [
  { name: "ingest-unique", dupRatio: 0 },
  // Half the requests re-send, byte for byte, one of the last 1,000 messages: a sender retrying.
  { name: "ingest-dup50", dupRatio: 0.5 },
];
export const DUPLICATE_POOL = 1_000;

/** Requests rotate over several paths where one fixed path would let a cache answer everything. */
export const READS = [
  // `baseline`: a bare node:http server does the same database work beside it (baseline-server*.mjs).
  { name: "list-first-page", baseline: true, paths: () => ["/messages"] },
  {
    name: "list-from",
    baseline: true,
    paths: () => Array.from({ length: SENDERS }, (_, k) => `/messages?from=${encodeURIComponent(sender(k))}`),
  },
  { name: "list-q", paths: () => MARKERS.map((m) => `/messages?q=${m}`) },
  { name: "list-deep-offset", paths: (size) => [`/messages?offset=${Math.floor(size * 0.9)}`] },
  // The same depth by keyset: a cursor 90% into the year the timestamps span.
  { name: "list-deep-cursor", paths: () => [`/messages?cursor=${DEEP_CURSOR}`] },
  { name: "stats", baseline: true, paths: () => ["/stats"] },
];
