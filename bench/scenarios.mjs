// The scenarios: what each one sends. Ingest runs against the app and the baseline; reads run at every seeded size.
import { MARKERS, SENDERS, sender } from "./dataset.mjs";

export const INGEST = [
  { name: "ingest-unique", dupRatio: 0 },
  // Half the requests re-send, byte for byte, one of the last 1,000 messages: a sender retrying.
  { name: "ingest-dup50", dupRatio: 0.5 },
];
export const DUPLICATE_POOL = 1_000;

/** Requests rotate over several paths where one fixed path would let a cache answer everything. */
export const READS = [
  { name: "list-first-page", paths: () => ["/messages"] },
  {
    name: "list-from",
    paths: () => Array.from({ length: SENDERS }, (_, k) => `/messages?from=${encodeURIComponent(sender(k))}`),
  },
  { name: "list-q", paths: () => MARKERS.map((m) => `/messages?q=${m}`) },
  { name: "list-deep-offset", paths: (size) => [`/messages?offset=${Math.floor(size * 0.9)}`] },
  { name: "stats", paths: () => ["/stats"] },
];
