// Valid ingest beside a flood of unsigned webhooks: alone, then beside the flood with the delivery log off and on;
// once as fast as it goes (what the flood takes from the ceiling) and once at a steady rate below it (what it does to latency).
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

export async function floodPhase(ctx) {
  if (!ctx.selected("ingest-flood")) return;
  const rows = {};
  for (const variant of VARIANTS) {
    const key = `${variant.server}:${variant.name}`;
    const db = await ctx.store.fresh(`${variant.server}-${variant.name}`);
    const files = { ackedFile: join(ctx.tmp, `${key}.acked`), unansweredFile: join(ctx.tmp, `${key}.unanswered`) };
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
          idPrefix: `${ctx.runTag}-${variant.name}`,
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
    rows[key] = besideRow({
      scenario: variant.name,
      server: kind,
      measured: m,
      sampled,
      flood: flood && { rps: flood.measured.rps, status: flood.measured.status, generator: flood.measured.generator, loadgen_cpu_pct: flood.measured.loadgen_cpu_pct },
      verification: verifyIngest(files, await db.ids()),
    });
    await db.drop();
    log(`${variant.name} ${kind}: ${m.rps} req/s, p99 ${m.latency_ms.p99} ms${flood ? `; flood ${flood.measured.rps} req/s answered` : ""}`);
  }
  const bareAlone = rows["baseline:ingest-alone"];
  const bareBeside = rows["baseline:ingest-beside-flood"];
  if (bareAlone && bareBeside) {
    bareBeside.vs_alone = ratio(bareBeside.rps / bareAlone.rps);
    ctx.rows.push(bareAlone, bareBeside);
    log(`the bare server beside the same flood, req/s at saturation: ${bareBeside.vs_alone}× alone`);
  }
  for (const mode of ["", "-steady"]) {
    const alone = rows[`app:ingest${mode}-alone`];
    const off = rows[`app:ingest${mode}-beside-flood-log-off`];
    const on = rows[`app:ingest${mode}-beside-flood-log-on`];
    // What the delivery log costs valid ingest under a flood, and what the flood costs in all: in
    // throughput at saturation, in p99 latency at the steady rate.
    const measure = mode === "" ? (row) => row.rps : (row) => 1 / row.latency_ms.p99;
    on.vs_log_off = ratio(measure(on) / measure(off));
    on.vs_alone = ratio(measure(on) / measure(alone));
    off.vs_alone = ratio(measure(off) / measure(alone));
    ctx.rows.push(alone, off, on);
    const what = mode === "" ? "req/s at saturation" : `1/p99 at ${STEADY_RATE} req/s`;
    log(`valid ingest beside ${FLOOD_RATE} unsigned req/s, ${what}: ${on.vs_alone}× alone with the delivery log, ${off.vs_alone}× without it; the log's own cost ${on.vs_log_off}×`);
  }
}
