// Webhooks beside reads built to be expensive: ingest latency alone, then beside four clients looping such a `q` or deep `offset`.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { sizeLabel } from "./args.mjs";
import { runLoad } from "./load-process.mjs";
import { DUPLICATE_POOL } from "./scenarios.mjs";
import { startServer } from "./server-process.mjs";
import { TARGETS } from "./targets.mjs";
import { besideRow, verifyIngest } from "./verify-ingest.mjs";

/** Stored messages when the searches run: the size the adversarial pass measured at. */
export const SEARCH_SIZE = 50_000;
/** Webhooks a second: a steady load well below saturation, so the latency measured is the search's doing. */
const INGEST_RATE = 500;
const SEARCHERS = 4;
const path = (q) => `/messages?q=${encodeURIComponent(q)}`;
const VARIANTS = [
  { name: "search-ingest-alone", paths: null },
  // 4,096 random characters: some 4,000 distinct trigrams, none of them in any text.
  { name: "search-ingest-beside-long-q", paths: Array.from({ length: 16 }, () => path(randomBytes(3_072).toString("base64"))) },
  // Under three characters no trigram applies: every message is read.
  { name: "search-ingest-beside-short-q", paths: ["zq", "qx", "jj", "vw", "ǆǆ", "ß"].map(path) },
  // Not a search, as dear: pages deep into the list by `offset`, which must pass every key before them.
  { name: "search-ingest-beside-deep-offset", paths: [0.9, 0.95, 0.99].map((at) => `/messages?offset=${Math.floor(SEARCH_SIZE * at)}`) },
];
const log = (text) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${text}`);

export async function searchPhase(ctx) {
  if (!VARIANTS.some((v) => ctx.selected(v.name))) return;
  const db = await ctx.store.fresh("search", { migrate: true });
  try {
    await db.seed(0, SEARCH_SIZE);
    const rows = {};
    for (const [k, variant] of VARIANTS.entries()) {
      if (variant.name !== "search-ingest-alone" && !ctx.selected(variant.name)) continue;
      const files = { ackedFile: join(ctx.tmp, `${variant.name}.acked`), unansweredFile: join(ctx.tmp, `${variant.name}.unanswered`) };
      const server = await startServer("app", { env: { ...db.env, WEBHOOK_SECRET: ctx.secret } });
      const sampling = server.sample();
      const common = { port: server.port, secret: ctx.secret, durationS: ctx.options.durationS, warmupS: ctx.options.warmupS, timeoutS: 30 };
      const ids = { idPrefix: `${ctx.runTag}-${variant.name}`, indexBase: 80_000_000 + k * 1_000_000 };
      const [ingest, search] = await Promise.all([
        runLoad({ ...common, connections: 16, ingest: { dupRatio: 0, poolSize: DUPLICATE_POOL, rate: INGEST_RATE, ...ids, ...files } }),
        variant.paths ? runLoad({ ...common, connections: SEARCHERS, paths: variant.paths }) : null,
      ]);
      const sampled = sampling();
      await server.stop();
      const m = ingest.measured;
      const stored = new Set([...(await db.ids())].filter((id) => id.startsWith(ids.idPrefix)));
      rows[variant.name] = besideRow({
        scenario: variant.name,
        size: SEARCH_SIZE,
        measured: m,
        sampled,
        searches: search && { rps: search.measured.rps, p50_ms: search.measured.latency_ms.p50, status: search.measured.status },
        verification: verifyIngest(files, stored),
      });
      log(`${variant.name}@${sizeLabel(SEARCH_SIZE)}: webhooks p50 ${m.latency_ms.p50} ms, p99 ${m.latency_ms.p99} ms` +
        (search ? `; ${SEARCHERS} searchers ${search.measured.rps} req/s, p50 ${search.measured.latency_ms.p50} ms` : ""));
    }
    const alone = rows["search-ingest-alone"];
    for (const row of Object.values(rows)) {
      if (row === alone) continue;
      row.p99_vs_alone = Math.round((row.latency_ms.p99 / alone.latency_ms.p99) * 100) / 100;
      log(`${row.scenario}: webhook p99 ${row.p99_vs_alone}× of webhook p99 alone (target ≤ ${TARGETS.searchP99VsAlone}×)`);
    }
    ctx.rows.push(...Object.values(rows));
  } finally {
    await db.drop();
  }
}
