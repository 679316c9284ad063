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
  row.vs_baseline === null ? "" : `${row.vs_baseline}× (CPU ${row.vs_baseline_cpu}×)`,
  row.verdict ?? "",
];

export function printTables({ rows, startup, deepOffset, options }) {
  if (rows.length) {
    console.log(`\nLoad: ingest at c=${options.connections}, reads at c=${options.readConnections}; ${options.warmupS}s warm-up + ${options.durationS}s measured each`);
    console.log(table(["scenario", "size", "server", "req/s", "p50 ms", "p99 ms", "alone ms", "CPU ms/req", "RSS MB", "non-2xx", "err+t/o", "vs baseline", "target"], rows.map(loadRow)));
  }
  if (startup.length) {
    console.log("\nStart-up, spawn to first 200 on /health/ready");
    console.log(table(["database", "median ms", "samples ms", "target"], startup.map((s) => [s.database, s.median_ms, s.samples_ms.join(" "), s.verdict])));
  }
  if (deepOffset) {
    console.log(`\nDeep offset growth ${sizeLabel(deepOffset.from)} → ${sizeLabel(deepOffset.to)}: p50 ∝ size^${deepOffset.exponent} (1 = linear): ${deepOffset.verdict}`);
  }
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
