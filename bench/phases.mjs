// The three phases of a run (ingest vs baseline, start-up, reads per size and their baselines), each on databases of its own.
import { join } from "node:path";
import { sizeLabel } from "./args.mjs";
import { MARKERS, markerCount } from "./dataset.mjs";
import { runLoad } from "./load-process.mjs";
import { DUPLICATE_POOL, INGEST, READS } from "./scenarios.mjs";
import { httpGet, startServer } from "./server-process.mjs";
import { verifyIngest } from "./verify-ingest.mjs";

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const mb = (kb) => Math.round(kb / 1024);
const log = (text) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${text}`);

async function measure(ctx, server, kind, load) {
  const sampling = server.sample();
  const result = await runLoad({ port: server.port, secret: ctx.secret, durationS: ctx.options.durationS, warmupS: ctx.options.warmupS, wrk: ctx.loadgen.path, ...load });
  const { peakKb, source, cpuMs } = sampling();
  const answered = result.measured.responses + (result.warmup?.responses ?? 0);
  const cpuPerRequest = answered ? Math.round((cpuMs / answered) * 1000) / 1000 : null;
  return { ...result, kind, peak_rss_mb: mb(peakKb), rss_source: source, server_cpu_ms_per_req: cpuPerRequest };
}

/** The baseline server for the run's database: SQLite's, or PostgreSQL's (pg Pool, group commit). */
export const baselineKind = (ctx) => (ctx.store.kind === "postgres" ? "baseline-pg" : "baseline");

const ratio = (x) => (Number.isFinite(x) ? Math.round(x * 100) / 100 : null);

/** The app's row against its baseline's, measured back to back: req/s, server CPU per request, p99. */
function compare(app, baseline) {
  app.vs_baseline = ratio(app.rps / baseline.rps);
  // The same ratio in server CPU per request: what it would be if both had the cores to themselves.
  app.vs_baseline_cpu = ratio(baseline.server_cpu_ms_per_req / app.server_cpu_ms_per_req);
  // Above 1: the app's p99 is that many times the baseline's.
  app.p99_vs_baseline = ratio(app.latency_ms.p99 / baseline.latency_ms.p99);
}

const row = (scenario, size, server, m) => ({
  scenario, size, server, kind: m.kind, ...m.measured, peak_rss_mb: m.peak_rss_mb, rss_source: m.rss_source,
  server_cpu_ms_per_req: m.server_cpu_ms_per_req, warmup: m.warmup, vs_baseline: null,
});

/** One baseline and one app run of an ingest scenario, back to back, so both see the same weather on a shared machine. */
async function ingestPair(ctx, scenario, repeat) {
  const pair = {};
  for (const kind of [baselineKind(ctx), "app"]) {
    const tag = `${scenario.name}-${kind}-${repeat}`;
    const db = await (kind === "app" ? ctx.store : ctx.baselineStore).fresh(tag);
    const files = { ackedFile: join(ctx.tmp, `${tag}.acked`), unansweredFile: join(ctx.tmp, `${tag}.unanswered`) };
    const server = await startServer(kind, { env: { ...db.env, WEBHOOK_SECRET: ctx.secret } });
    const m = await measure(ctx, server, "ingest", {
      connections: ctx.options.connections,
      timeoutS: 10,
      ingest: { dupRatio: scenario.dupRatio, poolSize: DUPLICATE_POOL, idPrefix: `${ctx.runTag}-${kind}-${repeat}`, indexBase: 50_000_000, ...files },
    });
    await server.stop();
    const side = kind === "app" ? "app" : "baseline";
    pair[side] = { ...row(scenario.name, null, kind, m), verification: verifyIngest(files, await db.ids()), sent: m.ingest };
    await db.drop();
    log(`${scenario.name} ${kind}${ctx.options.repeats > 1 ? ` (${repeat + 1} of ${ctx.options.repeats})` : ""}: ${pair[side].rps} req/s, p99 ${pair[side].latency_ms.p99} ms, ${loadgenText(pair[side])}; ${pair[side].verification.summary}`);
  }
  compare(pair.app, pair.baseline);
  return pair;
}

/**
 * The pairs' medians, where the machine is noisy: the rows shown are the pair with the median
 * req/s ratio, carrying the median p99 and CPU ratios of all pairs, the app's median p99 (what a
 * p99 ceiling is judged on), each side's highest peak RSS (the target is a peak under any load),
 * and a failed check if any pair failed one.
 */
function medianPair(pairs) {
  const mid = (values) => median(values.filter((v) => v != null));
  const shown = [...pairs].sort((a, b) => a.app.vs_baseline - b.app.vs_baseline)[Math.floor((pairs.length - 1) / 2)];
  const repeats = pairs.map(({ app, baseline }) => ({
    app_rps: app.rps, baseline_rps: baseline.rps, vs_baseline: app.vs_baseline, vs_baseline_cpu: app.vs_baseline_cpu,
    app_p99_ms: app.latency_ms.p99, baseline_p99_ms: baseline.latency_ms.p99, p99_vs_baseline: app.p99_vs_baseline,
    app_peak_rss_mb: app.peak_rss_mb, baseline_peak_rss_mb: baseline.peak_rss_mb,
  }));
  const combined = (side) => ({
    ...shown[side],
    peak_rss_mb: Math.max(...pairs.map((p) => p[side].peak_rss_mb)),
    verification: pairs.map((p) => p[side].verification).find((v) => v && !v.ok) ?? shown[side].verification,
  });
  const app = {
    ...combined("app"),
    p99_vs_baseline: mid(repeats.map((r) => r.p99_vs_baseline)),
    vs_baseline_cpu: mid(repeats.map((r) => r.vs_baseline_cpu)),
    p99_median_ms: mid(repeats.map((r) => r.app_p99_ms)),
    repeats,
  };
  return { baseline: combined("baseline"), app };
}

/** A read without a baseline, run several times: the run with the median p99 is shown, with the highest peak RSS of all. */
function medianRun(runs) {
  const shown = [...runs].sort((a, b) => a.app.latency_ms.p99 - b.app.latency_ms.p99)[Math.floor((runs.length - 1) / 2)];
  const repeats = runs.map(({ app }) => ({ app_rps: app.rps, app_p99_ms: app.latency_ms.p99, app_peak_rss_mb: app.peak_rss_mb }));
  const app = { ...shown.app, peak_rss_mb: Math.max(...runs.map((r) => r.app.peak_rss_mb)), p99_median_ms: shown.app.latency_ms.p99, repeats };
  return { app };
}

export async function ingestPhase(ctx) {
  for (const scenario of INGEST.filter((s) => ctx.selected(s.name))) {
    const pairs = [];
    for (let repeat = 0; repeat < ctx.options.repeats; repeat++) pairs.push(await ingestPair(ctx, scenario, repeat));
    const { baseline, app } = pairs.length === 1 ? pairs[0] : medianPair(pairs);
    ctx.rows.push(baseline, app);
  }
}

export async function emptyStartupPhase(ctx) {
  if (!ctx.selected("startup-empty")) return;
  const samples = [];
  for (let r = 0; r < ctx.options.startupRepeats; r++) {
    const db = await ctx.store.fresh(`startup-empty-${r}`);
    const server = await startServer("app", { env: { ...db.env, WEBHOOK_SECRET: ctx.secret } });
    samples.push(Math.round(server.readyMs));
    await server.stop();
    await db.drop();
  }
  ctx.startup.push({ database: "empty", samples_ms: samples, median_ms: median(samples) });
  log(`start-up on an empty database: ${samples.join(", ")} ms`);
}

/** The seeded data must be what the app serves, or every read figure is about the wrong database. */
async function checkSeeded(server, size, withSearch) {
  const stats = JSON.parse((await httpGet(server.port, "/stats", 120_000)).body);
  if (stats.total_messages !== size) throw new Error(`seeded ${size} rows, but the app reports ${stats.total_messages}`);
  if (!withSearch) return; // the seeding path is the same at every size; one search check is enough
  const expected = markerCount(size, 0);
  const { total } = JSON.parse((await httpGet(server.port, `/messages?q=${MARKERS[0]}`, 120_000)).body);
  if (total !== expected) throw new Error(`seeded ${expected} messages with '${MARKERS[0]}', but the app finds ${total}`);
}

/**
 * Requests one at a time with the server otherwise idle: the service time that loaded p50/p99 multiply
 * by queueing. The median of up to 5 (fewer when they are slow), so one cold first request cannot dominate.
 */
async function alone(server, path) {
  const times = [];
  const begun = performance.now();
  while (times.length < 5 && (times.length === 0 || performance.now() - begun < 3_000)) {
    const t = performance.now();
    const { status } = await httpGet(server.port, path, 120_000);
    if (status !== 200) throw new Error(`GET ${path} answered ${status}`);
    times.push(performance.now() - t);
  }
  return Math.round(median(times) * 100) / 100;
}

const startApp = (ctx, db) => startServer("app", { env: { ...db.env, WEBHOOK_SECRET: ctx.secret } });
const loadgenText = (r) => `${r.generator} ${r.loadgen_cpu_pct}% CPU`;

/**
 * The read's baseline on the same database the app just served: first its answers must be the app's,
 * byte for byte (else it would be a ceiling for different work), then the same load.
 */
async function readBaseline(ctx, db, app, read, size, paths) {
  const server = await startServer(baselineKind(ctx), { env: { ...db.env, WEBHOOK_SECRET: ctx.secret } });
  try {
    const differing = [];
    for (const path of paths.slice(0, 3)) {
      const [mine, theirs] = await Promise.all([httpGet(server.port, path, 120_000), httpGet(app.port, path, 120_000)]);
      if (mine.status !== 200 || mine.body !== theirs.body) differing.push(`${path}: baseline ${mine.status} ${mine.body.slice(0, 160)} vs app ${theirs.body.slice(0, 160)}`);
    }
    if (differing.length) log(`${read.name}@${sizeLabel(size)} baseline answers differ from the app's: ${differing.join("; ")}`);
    const singleMs = await alone(server, paths[0]);
    const m = await measure(ctx, server, "read", { connections: ctx.options.readConnections, timeoutS: 30, paths });
    return { ...row(read.name, size, baselineKind(ctx), m), single_ms: singleMs, same_answer: differing.length === 0 };
  } finally {
    await server.stop({ force: true });
  }
}

/**
 * One run of a read on the app's server, then, where the read has one, on its baseline: back to
 * back, as an ingest pair is. Answers the rows, and the app's server (replaced if it had a backlog).
 */
async function readRun(ctx, db, server, read, size, repeat) {
  const paths = read.paths(size);
  const label = `${read.name}@${sizeLabel(size)}${ctx.options.repeats > 1 ? ` (${repeat + 1} of ${ctx.options.repeats})` : ""}`;
  const singleMs = await alone(server, paths[0]);
  const m = await measure(ctx, server, "read", { connections: ctx.options.readConnections, timeoutS: 30, paths });
  // A server still chewing on requests the load generator abandoned would tax the next scenario: replace it.
  const settled = await server.settle(5_000);
  if (!settled) {
    await server.stop({ force: true });
    server = await startApp(ctx, db);
  }
  const app = { ...row(read.name, size, "app", m), single_ms: singleMs, restarted_after: !settled };
  const { rps, latency_ms: l } = m.measured;
  log(`${label}: alone ${singleMs} ms; loaded ${rps} req/s, p50 ${l.p50} ms, p99 ${l.p99} ms, ${loadgenText(app)}${settled ? "" : " (server restarted: backlog)"}`);
  if (!read.baseline) return { app, server };
  const baseline = await readBaseline(ctx, db, server, read, size, paths);
  log(`${label} baseline: alone ${baseline.single_ms} ms; loaded ${baseline.rps} req/s, p99 ${baseline.latency_ms.p99} ms, ${loadgenText(baseline)}`);
  compare(app, baseline);
  return { app, baseline, server };
}

export async function readPhase(ctx) {
  const wanted = (size) => READS.some((r) => ctx.selected(`${r.name}@${sizeLabel(size)}`)) || ctx.selected(`startup@${sizeLabel(size)}`);
  const sizes = [...ctx.options.sizes].sort((a, b) => a - b).filter(wanted);
  if (sizes.length === 0) return;
  const db = await ctx.store.fresh("read", { migrate: true });
  let seeded = 0;
  try {
    for (const size of sizes) {
      const began = performance.now();
      const first = seeded === 0;
      await db.seed(seeded, size); // grows the same database: 10k, then +90k, then +900k
      seeded = size;
      log(`seeded ${sizeLabel(size)} messages in ${((performance.now() - began) / 1000).toFixed(1)} s`);
      const samples = [];
      let server;
      for (let r = 0; r < ctx.options.startupRepeats; r++) {
        if (server) await server.stop();
        server = await startApp(ctx, db);
        samples.push(Math.round(server.readyMs));
      }
      ctx.startup.push({ database: sizeLabel(size), samples_ms: samples, median_ms: median(samples) });
      log(`start-up on ${sizeLabel(size)}: ${samples.join(", ")} ms`);
      try {
        await checkSeeded(server, size, first);
        for (const read of READS.filter((r) => ctx.selected(`${r.name}@${sizeLabel(size)}`))) {
          const runs = [];
          for (let repeat = 0; repeat < ctx.options.repeats; repeat++) {
            const run = await readRun(ctx, db, server, read, size, repeat);
            server = run.server;
            runs.push(run);
          }
          const { baseline, app } = runs.length === 1 ? runs[0] : read.baseline ? medianPair(runs) : medianRun(runs);
          if (baseline) ctx.rows.push(baseline);
          ctx.rows.push(app);
        }
      } finally {
        await server.stop();
      }
    }
  } finally {
    await db.drop();
  }
}
