// Issue 17's targets, as checks over measured rows: each returns null (no target), "ok", or "MISS: why".
export const TARGETS = {
  /** Unique and duplicate ingest, req/s against the baseline measured beside it: SQLite's, or PostgreSQL's own. */
  ingestRatio: { sqlite: 0.8, postgres: 0.6 },
  /** Ingest p99 as a multiple of the baseline's p99 (SQLite; the issue sets none for PostgreSQL). */
  ingestP99VsBaseline: 1.5,
  /** Reads with a baseline (first page, `from` page, stats), req/s against it. */
  readRatio: 0.5,
  /** Peak RSS of any app row against the largest peak of the run's baseline rows. */
  rssVsBaseline: 1.3,
  /** What downloading the whole export may add to the server's RSS: constant memory, whatever the rows. */
  exportGrowthMb: 64,
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

/** `run`: the database kind (sqlite or postgres) and the largest peak RSS among the run's baseline rows. */
export function judgeRow(row, run) {
  if (row.server !== "app") return null;
  const misses = [];
  const rssCeiling = run.baselinePeakRssMb && Math.round(run.baselinePeakRssMb * TARGETS.rssVsBaseline);
  if (rssCeiling && row.peak_rss_mb > rssCeiling) misses.push(`RSS ${row.peak_rss_mb} > ${rssCeiling} MB (${TARGETS.rssVsBaseline}× baseline)`);
  if (row.responses === 0) misses.push(`no answer within ${row.duration_s} s`);
  if (row.non2xx + row.errors + row.timeouts > 0) misses.push("failed requests");
  if (row.kind === "ingest") {
    const floor = TARGETS.ingestRatio[run.databaseKind];
    if (row.vs_baseline != null && row.vs_baseline < floor) misses.push(`${row.vs_baseline}× < ${floor}× baseline`);
    if (run.databaseKind === "sqlite" && row.p99_vs_baseline > TARGETS.ingestP99VsBaseline) misses.push(`p99 ${row.p99_vs_baseline}× > ${TARGETS.ingestP99VsBaseline}× baseline`);
    if (row.verification && !row.verification.ok) misses.push("stored ≠ acknowledged");
    if (row.p99_vs_alone > TARGETS.searchP99VsAlone) misses.push(`p99 ${row.p99_vs_alone}× alone > ${TARGETS.searchP99VsAlone}×`);
  } else {
    if (row.vs_baseline != null && row.vs_baseline < TARGETS.readRatio) misses.push(`${row.vs_baseline}× < ${TARGETS.readRatio}× baseline`);
    const ceiling = row.size === 1_000_000 ? TARGETS.readP99MsAt1M[row.scenario] : undefined;
    // Repeated runs: their median p99 (the row shown is the median run by req/s ratio, whose own p99 may differ).
    const p99 = row.p99_median_ms ?? row.latency_ms.p99;
    if (ceiling !== undefined && p99 > ceiling) misses.push(`p99 ${p99} > ${ceiling} ms`);
  }
  return judge(misses);
}

/** What judgeRow needs to know about the whole run. */
export const runFacts = (rows, databaseKind) => ({
  databaseKind,
  baselinePeakRssMb: Math.max(0, ...rows.filter((r) => r.server !== "app").map((r) => r.peak_rss_mb ?? 0)) || null,
});

export const judgeStartup = (medianMs) => judge(medianMs > TARGETS.startupMs ? [`> ${TARGETS.startupMs} ms`] : []);

/**
 * Deep pages must not degrade linearly with their depth (issue 6, which added `cursor` for them):
 * the exponent k in p50 ∝ size^k between the smallest and largest measured size (1 = linear,
 * 0 = flat), judged on the `cursor` pages. An `offset` passes every key before its page, so its
 * exponent is reported beside, not judged.
 */
export function judgeDeepPages(rows) {
  const growth = (scenario) => {
    const deep = rows.filter((r) => r.scenario === scenario && r.latency_ms.p50 > 0).sort((a, b) => a.size - b.size);
    if (deep.length < 2) return null;
    const [small, large] = [deep[0], deep.at(-1)];
    const exponent = Math.log(large.latency_ms.p50 / small.latency_ms.p50) / Math.log(large.size / small.size);
    return { from: small.size, to: large.size, exponent: Math.round(exponent * 100) / 100 };
  };
  const cursor = growth("list-deep-cursor");
  if (cursor === null) return null;
  return {
    ...cursor,
    offset_exponent: growth("list-deep-offset")?.exponent ?? null,
    verdict: judge(cursor.exponent > 0.5 ? [`cursor p50 ∝ size^${cursor.exponent}`] : []),
  };
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
  // "Constant memory": what the download adds must not grow with the rows.
  if (row.rss_peak_minus_before_mb > TARGETS.exportGrowthMb) misses.push(`+${row.rss_peak_minus_before_mb} > ${TARGETS.exportGrowthMb} MB`);
  return judge(misses);
}
