// After an ingest run: every id answered 200 is stored, and every stored row is explained by a 200 or a request cut off at the end.
import { readFileSync } from "node:fs";

const idsIn = (file) => readFileSync(file, "utf8").split("\n").filter(Boolean);

export function verifyIngest({ ackedFile, unansweredFile }, stored) {
  const acked = idsIn(ackedFile);
  const unanswered = idsIn(unansweredFile);
  const missing = acked.filter((id) => !stored.has(id)).length;
  const inFlightStored = unanswered.filter((id) => stored.has(id)).length;
  // Rows no 200 vouched for and no cut-off request explains (e.g. stored, yet answered 503).
  const unexplained = stored.size - (acked.length - missing) - inFlightStored;
  const ok = missing === 0 && unexplained === 0;
  const summary =
    `${ok ? "ok" : "FAILED"}: ${stored.size} rows = ${acked.length} acknowledged ids` +
    (inFlightStored ? ` + ${inFlightStored} in flight when the load stopped` : "") +
    (missing ? `; ${missing} ACKNOWLEDGED BUT NOT STORED` : "") +
    (unexplained ? `; ${unexplained} stored without a 200` : "");
  return { ok, rows: stored.size, acknowledged: acked.length, missing, in_flight_stored: inFlightStored, unexplained, summary };
}

/** A results row for an ingest load run beside other work (flood-phase.mjs, search-phase.mjs): the app's, unless `server` says otherwise. */
export const besideRow = ({ scenario, size = null, measured, sampled: { peakKb, cpuMs }, verification, ...extra }) => ({
  scenario,
  size,
  server: "app",
  kind: "ingest",
  ...measured,
  peak_rss_mb: Math.round(peakKb / 1024),
  server_cpu_ms_per_req: null,
  cpu_ms: cpuMs,
  ...extra,
  verification,
  vs_baseline: null,
});
