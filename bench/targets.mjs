// The targets, as checks over measured rows: each returns null (no target), "ok", or "MISS: why".
export const TARGETS = {
  ingestRatio: 0.5,
  ingestP99Ms: 20,
  rssMb: 200,
  startupMs: 1000,
  /** Webhook p99 beside looping adversarial searches, as a multiple of webhook p99 alone (search-phase.mjs). */
  searchP99VsAlone: 2,
  /** RSS that 500 idle `GET /messages/stream` clients may add (stream-phase.mjs). */
  streamIdleMb: 50,
  /** A webhook's arrival on every one of 500 streams, p99 from its send. */
  streamFanoutP99Ms: 1000,
  /** p99 ceilings at 1M stored messages. */
  readP99MsAt1M: { stats: 5, "list-first-page": 10, "list-from": 10, "list-q": 50 },
};

const judge = (misses) => (misses.length ? `MISS: ${misses.join(", ")}` : "ok");

export function judgeRow(row) {
  if (row.server !== "app") return null;
  const misses = [];
  if (row.peak_rss_mb > TARGETS.rssMb) misses.push(`RSS ${row.peak_rss_mb} > ${TARGETS.rssMb} MB`);
  if (row.responses === 0) misses.push(`no answer within ${row.duration_s} s`);
  if (row.non2xx + row.errors + row.timeouts > 0) misses.push("failed requests");
  if (row.kind === "ingest") {
    if (row.vs_baseline !== null && row.vs_baseline < TARGETS.ingestRatio) misses.push(`${row.vs_baseline}× < ${TARGETS.ingestRatio}× baseline`);
    if (row.latency_ms.p99 > TARGETS.ingestP99Ms) misses.push(`p99 > ${TARGETS.ingestP99Ms} ms`);
    if (row.verification && !row.verification.ok) misses.push("stored ≠ acknowledged");
    if (row.p99_vs_alone > TARGETS.searchP99VsAlone) misses.push(`p99 ${row.p99_vs_alone}× alone > ${TARGETS.searchP99VsAlone}×`);
  } else {
    const ceiling = row.size === 1_000_000 ? TARGETS.readP99MsAt1M[row.scenario] : undefined;
    if (ceiling !== undefined && row.latency_ms.p99 > ceiling) misses.push(`p99 > ${ceiling} ms`);
  }
  return judge(misses);
}

export const judgeStartup = (medianMs) => judge(medianMs > TARGETS.startupMs ? [`> ${TARGETS.startupMs} ms`] : []);

/**
 * Deep offset must not grow linearly with the table: the exponent k in p50 ∝ size^k between the
 * smallest and largest measured size (1 = linear, 0 = flat).
 */
export function judgeDeepOffset(rows) {
  const deep = rows.filter((r) => r.scenario === "list-deep-offset" && r.latency_ms.p50 > 0).sort((a, b) => a.size - b.size);
  if (deep.length < 2) return null;
  const [small, large] = [deep[0], deep.at(-1)];
  const exponent = Math.log(large.latency_ms.p50 / small.latency_ms.p50) / Math.log(large.size / small.size);
  const rounded = Math.round(exponent * 100) / 100;
  return { from: small.size, to: large.size, exponent: rounded, verdict: judge(exponent > 0.5 ? [`p50 ∝ size^${rounded}`] : []) };
}

/** The stream phase's rows: idle RSS, fan-out p99, and for every row its own correctness check. */
export function judgeStream(row) {
  const misses = [];
  if (row.verification && !row.verification.ok) misses.push("wrong or missing messages");
  if (row.scenario === "stream-idle") {
    if (row.answered_200_with_first_bytes !== row.streams) misses.push("streams refused");
    if (row.still_open_after_idle !== row.streams) misses.push("streams closed while idle");
    if (row.rss_delta_mb > TARGETS.streamIdleMb) misses.push(`+${row.rss_delta_mb} > ${TARGETS.streamIdleMb} MB`);
  }
  if (row.scenario === "stream-fanout" && row.latency_ms.p99 > TARGETS.streamFanoutP99Ms) misses.push(`p99 > ${TARGETS.streamFanoutP99Ms} ms`);
  // The export has no figure of its own in the issue: the service's peak RSS target applies.
  if (row.rss_peak_mb > TARGETS.rssMb) misses.push(`peak RSS ${row.rss_peak_mb} > ${TARGETS.rssMb} MB`);
  return judge(misses);
}
