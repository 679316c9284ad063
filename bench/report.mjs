// The printed tables and the results file (bench/results/<ISO date>-<db>.json).
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sizeLabel } from "./args.mjs";

const RESULTS = fileURLToPath(new URL("./results/", import.meta.url));

function table(header, rows) {
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => String(r[k]).length)));
  const line = (cells) => cells.map((c, k) => (typeof c === "number" ? String(c).padStart(widths[k]) : String(c).padEnd(widths[k]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export const loadRow = (row) => [
  row.scenario,
  row.size === null ? "-" : sizeLabel(row.size),
  row.server,
  row.rps,
  row.latency_ms.p50 ?? "-",
  row.latency_ms.p99 ?? "-",
  row.single_ms ?? "",
  row.server_cpu_ms_per_req ?? "-",
  row.peak_rss_mb,
  row.non2xx,
  row.errors + row.timeouts,
  row.loadgen_cpu_pct === undefined ? "-" : `${row.generator ?? "autocannon"} ${row.loadgen_cpu_pct}%`,
  row.vs_baseline === null ? "" : `${row.vs_baseline}× (CPU ${row.vs_baseline_cpu}×)`,
  row.p99_vs_baseline == null ? "" : `${row.p99_vs_baseline}×`,
  row.verdict ?? "",
];

/** The stream phase's rows, each scenario its own columns. */
function printStream(stream) {
  const idle = stream.filter((r) => r.scenario === "stream-idle");
  const fan = stream.filter((r) => r.scenario === "stream-fanout");
  const exports = stream.filter((r) => r.scenario.startsWith("stream-export"));
  if (idle.length) {
    console.log("\nIdle event streams (server RSS before opening them, then after they sat idle)");
    console.log(table(["streams", "200 + bytes", "open all s", "RSS before MB", "RSS idle MB", "+MB", "kB/stream", "VmHWM MB", "target"],
      idle.map((r) => [r.streams, r.answered_200_with_first_bytes, r.open_all_s, r.rss_before_mb, r.rss_idle_mb, r.rss_delta_mb, r.kb_per_stream, r.hwm_after_mb, r.verdict])));
  }
  if (fan.length) {
    console.log("\nFan-out: webhook sent → event on each stream (ms); `after 200` is the same from its 200");
    console.log(table(["streams", "msgs", "rate/s", "p50", "p99", "max", "after 200 p50", "p99", "all streams p99", "webhook p99", "server CPU %", "RSS MB", "target"],
      fan.map((r) => [r.streams, r.messages, r.rate, r.latency_ms.p50, r.latency_ms.p99, r.latency_ms.max, r.after_200_ms.p50, r.after_200_ms.p99, r.all_streams_ms.p99, r.webhooks.latency_ms.p99, r.server_cpu_pct, r.peak_rss_mb, r.verdict])));
    for (const r of fan) console.log(`  ${r.verification.summary}`);
  }
  if (exports.length) {
    console.log("\nExport, downloaded in full (server RSS sampled every 100 ms)");
    console.log(table(["scenario", "size", "rows", "MB", "s", "rows/s", "RSS before MB", "peak MB", "+MB", "VmHWM MB", "CPU ms", "target"],
      exports.map((r) => [r.scenario, sizeLabel(r.size), r.rows, Math.round(r.bytes / 1048576), r.duration_s, r.rows_per_s, r.rss_before_mb, r.rss_peak_mb, r.rss_peak_minus_before_mb, r.hwm_peak_mb, r.server_cpu_ms, r.verdict])));
    for (const r of exports) console.log(`  ${r.scenario}: ${r.verification.summary}`);
  }
}

export function printTables({ rows, startup, deepPages, stream = [], options }) {
  if (rows.length) {
    console.log(`\nLoad: ingest at c=${options.connections}, reads at c=${options.readConnections}; ${options.warmupS}s warm-up + ${options.durationS}s measured each`);
    console.log("(loadgen: the load generator's CPU, % of one core; baseline ratios: app req/s ÷ baseline's, and its p99 ÷ baseline's)");
    console.log(table(["scenario", "size", "server", "req/s", "p50 ms", "p99 ms", "alone ms", "CPU ms/req", "RSS MB", "non-2xx", "err+t/o", "loadgen CPU", "req/s vs baseline", "p99 vs baseline", "target"], rows.map(loadRow)));
    // Ingest and read repeats (the flood phase's rows keep theirs in another shape, and print them as they run).
    for (const r of rows.filter((row) => row.repeats?.[0]?.app_p99_ms !== undefined)) {
      const list = (key, unit = "") => r.repeats.map((x) => `${x[key]}${unit}`).join(" ");
      const name = r.size == null ? r.scenario : `${r.scenario}@${sizeLabel(r.size)}`;
      if (r.repeats[0].vs_baseline === undefined) {
        console.log(`  ${name}: ${r.repeats.length} runs, shown above the median p99: p99 ${list("app_p99_ms", " ms")}, req/s ${list("app_rps")}, peak RSS ${list("app_peak_rss_mb")} MB`);
        continue;
      }
      const p99s = r.size == null ? "" : `, app p99 ${list("app_p99_ms", " ms")}`;
      console.log(`  ${name}: ${r.repeats.length} pairs with the baseline, shown above the median: req/s ${list("vs_baseline", "×")}, p99 ${list("p99_vs_baseline", "×")}${p99s}, app peak RSS ${list("app_peak_rss_mb")} MB`);
    }
  }
  if (startup.length) {
    console.log("\nStart-up, spawn to first 200 on /health/ready");
    console.log(table(["database", "median ms", "samples ms", "target"], startup.map((s) => [s.database, s.median_ms, s.samples_ms.join(" "), s.verdict])));
  }
  if (deepPages) {
    const offset = deepPages.offset_exponent === null ? "" : `; by offset ∝ size^${deepPages.offset_exponent}, which passes every key before its page (not judged)`;
    console.log(`\nDeep pages ${sizeLabel(deepPages.from)} → ${sizeLabel(deepPages.to)}, p50 (1 = linear, 0 = flat): by cursor ∝ size^${deepPages.exponent}: ${deepPages.verdict}${offset}`);
  }
  printStream(stream);
  const checked = rows.filter((r) => r.verification);
  if (checked.length) {
    console.log("\nIngest correctness (rows stored vs distinct ids answered 200, warm-up included)");
    for (const r of checked) console.log(`  ${r.scenario} ${r.server}: ${r.verification.summary}`);
  }
}

export function writeResults(report) {
  mkdirSync(RESULTS, { recursive: true });
  const stamp = report.run.started_at.replace(/:/g, "").replace(/\.\d+Z$/, "Z");
  const name = `${stamp}-${report.run.database_kind}${report.run.mode === "quick" ? "-quick" : ""}.json`;
  writeFileSync(RESULTS + name, JSON.stringify(report, null, 2) + "\n");
  return `bench/results/${name}`;
}
