// Valid ingest beside a flood of unsigned webhooks: alone, then beside the flood with the delivery log off and on;
// once as fast as it goes (what the flood takes from the ceiling) and once at a steady rate below it (what it does to latency);
// the bare server alone and beside the same flood; all of it `--repeats` times over, interleaved, and the medians reported.
import { join } from "node:path";
import { runLoad } from "./load-process.mjs";
import { baselineKind } from "./phases.mjs";
import { DUPLICATE_POOL } from "./scenarios.mjs";
import { startServer } from "./server-process.mjs";
import { besideRow, verifyIngest } from "./verify-ingest.mjs";

/** Unsigned requests a second: well beyond any honest sender's mistakes, short of taking a core by itself. */
export const FLOOD_RATE = 2_000;
/** Valid webhooks a second in the steady runs: about half of what this machine stores at saturation. */
export const STEADY_RATE = 2_000;
/**
 * The flood's connections: enough that it keeps its rate while valid ingest keeps the server busy,
 * whose answers then take 10–20 ms (8, as before, held it to about 1,000 a second).
 */
const FLOOD_CONNECTIONS = 64;
const VARIANTS = [
  ...["", "-steady"].flatMap((mode) => [
    { name: `ingest${mode}-alone`, server: "app", mode, flood: false, logRows: "10000" },
    { name: `ingest${mode}-beside-flood-log-off`, server: "app", mode, flood: true, logRows: "0" },
    { name: `ingest${mode}-beside-flood-log-on`, server: "app", mode, flood: true, logRows: "10000" },
  ]),
  // The bare server under the same flood: what the flood costs on this machine with no work of ours per request.
  { name: "ingest-alone", server: "baseline", mode: "", flood: false },
  { name: "ingest-beside-flood", server: "baseline", mode: "", flood: true },
];
const log = (text) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${text}`);
const ratio = (x) => Math.round(x * 100) / 100;

/** One variant once: a fresh database and server, valid ingest with or without the flood beside it. */
async function runVariant(ctx, variant, repeat) {
  const key = `${variant.server}:${variant.name}`;
  const db = await ctx.store.fresh(`${variant.server}-${variant.name}-${repeat}`);
  const files = { ackedFile: join(ctx.tmp, `${key}-${repeat}.acked`), unansweredFile: join(ctx.tmp, `${key}-${repeat}.unanswered`) };
  const env = { ...db.env, WEBHOOK_SECRET: ctx.secret, ...(variant.logRows !== undefined && { DELIVERY_LOG_MAX_ROWS: variant.logRows }) };
  const kind = variant.server === "app" ? "app" : baselineKind(ctx);
  const server = await startServer(kind, { env });
  const sampling = server.sample();
  const common = { port: server.port, secret: ctx.secret, durationS: ctx.options.durationS, warmupS: ctx.options.warmupS, timeoutS: 10, wrk: ctx.loadgen.path };
  const [ingest, flood] = await Promise.all([
    runLoad({
      ...common,
      connections: ctx.options.connections,
      ingest: {
        dupRatio: 0,
        poolSize: DUPLICATE_POOL,
        idPrefix: `${ctx.runTag}-${variant.name}-${repeat}`,
        indexBase: 70_000_000,
        ...(variant.mode === "-steady" && { rate: STEADY_RATE }),
        ...files,
      },
    }),
    variant.flood ? runLoad({ ...common, connections: FLOOD_CONNECTIONS, flood: { rate: FLOOD_RATE } }) : null,
  ]);
  const sampled = sampling();
  await server.stop();
  const m = ingest.measured;
  const row = besideRow({
    scenario: variant.name,
    server: kind,
    measured: m,
    sampled,
    flood: flood && { rps: flood.measured.rps, status: flood.measured.status, generator: flood.measured.generator, loadgen_cpu_pct: flood.measured.loadgen_cpu_pct },
    verification: verifyIngest(files, await db.ids()),
  });
  await db.drop();
  const of = ctx.options.repeats > 1 ? ` (${repeat + 1} of ${ctx.options.repeats})` : "";
  log(`${variant.name} ${kind}${of}: ${m.rps} req/s, p99 ${m.latency_ms.p99} ms${flood ? `; flood ${flood.measured.rps} req/s answered` : ""}`);
  return row;
}

/** The middle value (the lower of the two middle ones for an even count). */
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/**
 * Rows of one comparison, each run `repeats` times, each repeat's rows back to back so a ratio
 * compares runs minutes apart at most; `ratios(rowsOfOneRepeat)` gives that repeat's ratios. The
 * repeat whose first ratio is the median is the one shown, with every repeat's ratios beside it,
 * and any failed check of stored against acknowledged ids from any repeat.
 */
function medianRepeat(repeats, ratios) {
  const all = repeats.map(ratios);
  const k = all.findIndex((r) => r[0] === median(all.map((r) => r[0])));
  const shown = repeats[k];
  for (const [key, row] of Object.entries(shown)) {
    row.repeats = repeats.map((rows) => ({ rps: rows[key].rps, p99_ms: rows[key].latency_ms.p99, flood_rps: rows[key].flood?.rps ?? null }));
    row.verification = repeats.map((rows) => rows[key].verification).find((v) => !v.ok) ?? row.verification;
  }
  return { shown, all };
}

export async function floodPhase(ctx) {
  if (!ctx.selected("ingest-flood")) return;
  // Interleaved: every variant once, then again, so each repeat's ratios compare neighbouring runs.
  const repeats = [];
  for (let repeat = 0; repeat < ctx.options.repeats; repeat++) {
    const rows = {};
    for (const variant of VARIANTS) rows[`${variant.server}:${variant.name}`] = await runVariant(ctx, variant, repeat);
    repeats.push(rows);
  }
  const pick = (rows, keys) => Object.fromEntries(keys.map((key) => [key, rows[key]]));
  const listed = (all, i) => all.map((r) => r[i]).join(", ");

  const bareKeys = ["baseline:ingest-alone", "baseline:ingest-beside-flood"];
  const bare = medianRepeat(
    repeats.map((rows) => pick(rows, bareKeys)),
    (rows) => [ratio(rows[bareKeys[1]].rps / rows[bareKeys[0]].rps)],
  );
  bare.shown[bareKeys[1]].vs_alone = median(bare.all.map((r) => r[0]));
  ctx.rows.push(...bareKeys.map((key) => bare.shown[key]));
  log(`the bare server beside the same flood, req/s at saturation: ${bare.shown[bareKeys[1]].vs_alone}× alone (repeats ${listed(bare.all, 0)})`);

  for (const mode of ["", "-steady"]) {
    const keys = [`app:ingest${mode}-alone`, `app:ingest${mode}-beside-flood-log-off`, `app:ingest${mode}-beside-flood-log-on`];
    // What the delivery log costs valid ingest under a flood, and what the flood costs in all: in
    // throughput at saturation, in p99 latency at the steady rate.
    const measure = mode === "" ? (row) => row.rps : (row) => 1 / row.latency_ms.p99;
    const { shown, all } = medianRepeat(
      repeats.map((rows) => pick(rows, keys)),
      (rows) => {
        const [alone, off, on] = keys.map((key) => measure(rows[key]));
        return [ratio(on / alone), ratio(off / alone), ratio(on / off)];
      },
    );
    const [alone, off, on] = keys.map((key) => shown[key]);
    [on.vs_alone, off.vs_alone, on.vs_log_off] = [0, 1, 2].map((i) => median(all.map((r) => r[i])));
    ctx.rows.push(alone, off, on);
    const what = mode === "" ? "req/s at saturation" : `1/p99 at ${STEADY_RATE} req/s`;
    log(
      `valid ingest beside ${FLOOD_RATE} unsigned req/s, ${what}: ${on.vs_alone}× alone with the delivery log (repeats ${listed(all, 0)}), ` +
        `${off.vs_alone}× without it (${listed(all, 1)}); the log's own cost ${on.vs_log_off}×`,
    );
  }
}
