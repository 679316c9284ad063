// Deterministic, realistic messages: ~1,000 skewed senders, a year of timestamps, 20–200 char texts, rare marker words.

export const SENDERS = 1000;
/** Each marker sits in exactly one message of every 1,000 consecutive indices: a `q` that matches 0.1%. */
export const MARKERS = ["quokka", "zeppelin", "fjord", "kumquat", "xylophone"];

const WORDS = `hi hello thanks please order delivery payment invoice status update today tomorrow morning evening
  confirm cancel refund receipt account balance ticket support team call back later soon ready shipped package
  address change time slot book appointment reminder price offer discount code new old great good okay sure
  yes maybe when where how what why need want help issue problem fixed working store open closed week month
  friday monday weekend number details photo document sent received check again sorry wait minute`.split(/\s+/);
for (const marker of MARKERS) {
  if (WORDS.some((w) => w.includes(marker))) throw new Error(`marker ${marker} is not rare: a word contains it`);
}

export const YEAR_START_MS = Date.UTC(2024, 0, 1);
export const YEAR_MS = 366 * 24 * 3600 * 1000;

const mix = (x) => {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
};
const randoms = (seed) => {
  let state = mix(seed >>> 0) ^ mix(Math.floor(seed / 4294967296) + 0x51ed27);
  return () => ((state = (state + 0x9e3779b9) >>> 0), mix(state) / 4294967296);
};

export const sender = (k) => `+91${9000000000 + k * 7919}`;
const recipient = (k) => `+1415555${String(100 + k).padStart(4, "0")}`;

/** Which marker (index into MARKERS) message i carries, or -1: a bijection on residues mod 1,000. */
export const markerOf = (i) => {
  const slot = (i * 7919 + 13) % 1000;
  return slot < MARKERS.length ? slot : -1;
};

/** How many of messages 0..n-1 carry marker m (what `q=<marker>` must report as total). */
export const markerCount = (n, m) => {
  let count = 0;
  for (let i = 0; i < n; i++) if (markerOf(i) === m) count++;
  return count;
};

function textOf(next, marker) {
  if (marker < 0 && next() < 0.01) return null; // media-only messages carry no text
  const target = 20 + Math.floor(next() * 180);
  const words = [];
  let length = -1;
  for (;;) {
    const word = WORDS[Math.floor(next() * WORDS.length)];
    if (length + 1 + word.length > target && length >= 20) break;
    words.push(word);
    length += 1 + word.length;
  }
  if (marker >= 0) words[Math.floor(next() * words.length)] = MARKERS[marker];
  const text = words.join(" ");
  return text[0].toUpperCase() + text.slice(1, 200) + (next() < 0.3 ? "?" : "");
}

/**
 * Message number i. Skewed senders (the busiest has ~3% of traffic, as real senders do), timestamps
 * uniform over 2024, one in ten with milliseconds. `id` overrides the default id (load generation).
 */
export function message(i, id) {
  const next = randoms(i);
  const from = sender(Math.floor(SENDERS * next() ** 2));
  const to = recipient(Math.floor(next() * 10));
  const ms = YEAR_START_MS + Math.floor(next() * YEAR_MS);
  const iso = new Date(ms).toISOString();
  const ts = next() < 0.1 ? iso : iso.replace(/\.\d{3}Z$/, "Z");
  const text = textOf(next, markerOf(i));
  const message_id = id ?? `wamid.${mix(i ^ 0x5bd1e995).toString(16).padStart(8, "0")}${i.toString(36)}`;
  return { message_id, from, to, ts, text, created_at: new Date(ms + 1500).toISOString() };
}
