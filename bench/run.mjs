// `npm run bench`: the production server (and node:http baselines) under wrk or autocannon load on fresh databases; prints a table, writes JSON.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { USAGE, parseArgs, sizeLabel } from "./args.mjs";
import { cleanup, installCleanupHandlers, onCleanup, wasInterrupted } from "./cleanup.mjs";
import { floodPhase } from "./flood-phase.mjs";
import { searchPhase } from "./search-phase.mjs";
import { streamNames, streamPhase } from "./stream-phase.mjs";
import { emptyStartupPhase, ingestPhase, readPhase } from "./phases.mjs";
import { postgresStore } from "./postgres-store.mjs";
import { printTables, writeResults } from "./report.mjs";
import { INGEST, READS } from "./scenarios.mjs";
import { appEnv } from "./server-process.mjs";
import { sqliteStore } from "./sqlite-store.mjs";
import { judgeDeepPages, judgeRow, judgeStartup, runFacts, TARGETS } from "./targets.mjs";
import { findWrk } from "./wrk-install.mjs";

let options;
try {
  options = parseArgs(process.argv.slice(2));
} catch (error) {
  console.error(error.message);
  process.exit(2);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}

const git = (...args) => {
  try {
    return execFileSync("git", args, { encoding: "utf8", timeout: 5_000, stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
};
/** A postgres URL without its password, fit for a results file. */
const redacted = (url) => {
  if (url === "sqlite") return url;
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
};

const selected = (name) => options.only.length === 0 || options.only.some((part) => name.includes(part));
const names = [
  ...INGEST.map((s) => s.name),
  "ingest-flood",
  "search-ingest-alone",
  "search-ingest-beside-long-q",
  "search-ingest-beside-short-q",
  "search-ingest-beside-deep-offset",
  "startup-empty",
  ...streamNames(options),
  ...options.sizes.flatMap((n) => [...READS.map((r) => r.name), "startup"].map((name) => `${name}@${sizeLabel(n)}`)),
];
if (!names.some(selected)) {
  console.error(`--only ${options.only.join(",")} matches none of: ${names.join(" ")}`);
  process.exit(2);
}

if (options.workers !== null) appEnv.WORKERS = String(options.workers);
if (options.searchThreads !== null) appEnv.SEARCH_THREADS = String(options.searchThreads);
if (options.searchCacheMb !== null) appEnv.SEARCH_CACHE_MB = String(options.searchCacheMb);
installCleanupHandlers();
const startedAt = new Date();
// Taken now, when `npm run bench` has just built dist/ from this tree (others may edit src/ meanwhile).
const source = { git_commit: git("rev-parse", "HEAD"), src_changed_since_commit: git("status", "--porcelain", "--", "src") !== "" };
const tmp = mkdtempSync(join(tmpdir(), "lyftr-bench-"));
onCleanup(() => rmSync(tmp, { recursive: true, force: true }));
const store = options.database === "sqlite" ? sqliteStore(tmp) : postgresStore(options.database);
if (store.cleanup) onCleanup(store.cleanup);

const ctx = {
  options,
  tmp,
  store,
  // Each database is compared with a baseline on the same database: SQLite's, or PostgreSQL's (baseline-server-pg.mjs).
  baselineStore: store,
  secret: randomBytes(24).toString("hex"),
  runTag: randomBytes(4).toString("hex"),
  selected,
  rows: [],
  startup: [],
  stream: [],
};

let exitCode = 0;
try {
  console.log(`bench: ${options.quick ? "quick" : "full"} run on ${redacted(options.database)}, load average ${loadavg().map((x) => x.toFixed(1)).join(" ")} on ${cpus().length} CPUs`);
  // Before the load average is read: installing wrk is work too.
  ctx.loadgen = options.loadgen === "wrk" ? findWrk((text) => console.log(`bench: ${text}`)) : { path: null, why: null };
  console.log(`bench: load generator ${ctx.loadgen.path ? `wrk (${ctx.loadgen.path}${ctx.loadgen.installed ? ", installed now" : ""})` : "autocannon"} for closed-loop ingest and reads; autocannon for fixed rates`);
  const loadStart = loadavg();
  await ingestPhase(ctx);
  await floodPhase(ctx);
  await searchPhase(ctx);
  await streamPhase(ctx);
  await emptyStartupPhase(ctx);
  await readPhase(ctx);

  const facts = runFacts(ctx.rows, ctx.store.kind);
  for (const row of ctx.rows) row.verdict = judgeRow(row, facts);
  for (const s of ctx.startup) s.verdict = judgeStartup(s.median_ms);
  const deepPages = judgeDeepPages(ctx.rows);
  printTables({ rows: ctx.rows, startup: ctx.startup, deepPages, stream: ctx.stream, options });
  const wallS = Math.round((Date.now() - startedAt.getTime()) / 1000);
  const file = writeResults({
    run: {
      started_at: startedAt.toISOString(),
      wall_s: wallS,
      mode: options.quick ? "quick" : "full",
      database_kind: options.database === "sqlite" ? "sqlite" : "postgres",
      database: redacted(options.database),
      options: { ...options, database: undefined },
      node: process.version,
      cpus: cpus().length,
      loadavg_start: loadStart,
      loadavg_end: loadavg(),
      load_generator: ctx.loadgen.path ? "wrk" : "autocannon",
      ...(ctx.loadgen.why && { load_generator_note: ctx.loadgen.why }),
      ...source,
    },
    targets: TARGETS,
    load: ctx.rows,
    startup: ctx.startup,
    deep_pages: deepPages,
    stream: ctx.stream,
  });
  const failed = [...ctx.rows, ...ctx.stream].some((r) => r.verification && !r.verification.ok);
  console.log(`\n${file} written; wall time ${wallS} s (bench timings include the machine's other load: compare ratios, not absolutes)`);
  if (failed) {
    console.error("CORRECTNESS FAILED (ingest, stream or export): see above");
    exitCode = 1;
  }
} catch (error) {
  if (!wasInterrupted()) console.error(`bench failed: ${error.stack ?? error}`);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exit(exitCode);
