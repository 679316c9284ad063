// `GET /messages/stream` and `GET /messages/export`: what 500 idle streams cost in RSS, how long a webhook
// takes to reach all 500 at a steady rate (each stream checked to get every message once, in one order),
// and the server's RSS while a client downloads the whole table.
import { sizeLabel } from "./args.mjs";
import { download } from "./export-download.mjs";
import { httpGet, startServer } from "./server-process.mjs";
import { openStreams } from "./sse-clients.mjs";
import { judgeStream } from "./targets.mjs";
import { sendSteady } from "./webhook-sender.mjs";

/** Connected clients: the figure. */
export const STREAMS = 500;
/**
 * Webhooks a second while they are connected, one run each, lowest first: all far below what ingest
 * alone sustains, but each one 500 events per webhook. On the 2-core development machine the knee is
 * between the first two (see README's Performance section).
 */
const FANOUT_RATES = [20, 50, 100];
/** Seconds the 500 streams sit idle before their RSS is read: long enough for the allocations of opening them to settle. */
const IDLE_S = 5;
/** After the last webhook's 200, how long a stream may take to deliver it before the run counts it missing. */
const DELIVERY_GRACE_MS = 15_000;
const EXPORT_FORMATS = ["ndjson", "csv"];

/** The export runs on the largest of --sizes (1M unless told otherwise; `--quick` makes it 100k). */
export const exportSize = (options) => Math.max(...options.sizes);
export const streamNames = (options) => [
  "stream-idle",
  "stream-fanout",
  ...EXPORT_FORMATS.map((f) => `stream-export-${f}@${sizeLabel(exportSize(options))}`),
];

const log = (text) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${text}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (kb) => Math.round(kb / 102.4) / 10;
const round = (x) => (x === null ? null : Math.round(x * 10) / 10);
const percentiles = (values) => {
  const sorted = Float64Array.from(values).sort();
  const at = (q) => (sorted.length ? round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]) : null);
  return { p50: at(0.5), p99: at(0.99), max: at(1) };
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/** VmRSS every 100 ms until stopped: the series' peak, its last second's median, and each second's peak (flat means constant memory). */
function rssSampler(server) {
  const samples = [server.memory().rss];
  const timer = setInterval(() => samples.push(server.memory().rss), 100);
  return () => {
    clearInterval(timer);
    samples.push(server.memory().rss);
    const bySecondMb = [];
    for (let k = 0; k < samples.length; k += 10) bySecondMb.push(mb(Math.max(...samples.slice(k, k + 10))));
    return { peakKb: Math.max(...samples), settledKb: median(samples.slice(-10)), count: samples.length, bySecondMb };
  };
}

/**
 * Every stream got every acknowledged webhook exactly once, none else, and all in the same order:
 * the order a stream replaying from the start (`?after=0`) gets them in, i.e. the store's arrival order.
 */
function verifyFanOut(received, acked, replayed) {
  const ackedSet = new Set(acked);
  const order = replayed.filter((n) => ackedSet.has(n));
  let missing = 0, duplicated = 0, unexpected = 0, reordered = 0;
  for (const got of received) {
    const seen = new Set();
    for (const n of got) {
      if (!ackedSet.has(n)) unexpected++;
      else if (seen.has(n)) duplicated++;
      seen.add(n);
    }
    missing += acked.filter((n) => !seen.has(n)).length;
    if (got.length !== order.length || got.some((n, j) => n !== order[j])) reordered++;
  }
  const ok = missing + duplicated + unexpected + reordered === 0 && order.length === acked.length;
  const summary =
    `${ok ? "ok" : "FAILED"}: ${received.length} streams × ${acked.length} acknowledged webhooks` +
    (ok ? ", each once, all in the replay's order" : `; ${missing} missing, ${duplicated} twice, ${unexpected} unknown, ${reordered} streams in another order than the replay (${order.length} of ${acked.length} replayed)`);
  return { ok, streams: received.length, acknowledged: acked.length, missing, duplicated, unexpected, streams_reordered: reordered, summary };
}

/**
 * One rate with the 500 streams connected: a warm-up, then the measured seconds; every webhook of
 * both checked on every stream, the measured ones timed.
 */
async function fanOut(ctx, server, rate, { sent, register, received, arrivedAt, indexOf }) {
  const common = { port: server.port, secret: ctx.secret, rate };
  const first = sent.length; // this run's webhooks are sent[first…]
  const startedAt = received.map((r) => r.length); // and stream k's events from received[k][startedAt[k]] on
  const idPrefix = `${ctx.runTag}-stream-${rate}`;
  const indexBase = 90_000_000 + rate * 100_000;
  const warm = ctx.options.warmupS > 0
    ? await sendSteady({ ...common, seconds: ctx.options.warmupS, idPrefix: `${idPrefix}-warm`, indexBase, onSend: register })
    : [];
  const sampling = server.sample();
  const rss = rssSampler(server);
  const cpuStart = process.cpuUsage();
  const began = performance.now();
  const measured = await sendSteady({ ...common, seconds: ctx.options.durationS, idPrefix, indexBase: indexBase + 50_000, onSend: register });
  const acked = [];
  for (let n = first; n < sent.length; n++) if (sent[n].status === 200) acked.push(n);
  const mine = () => received.map((r, k) => r.slice(startedAt[k]).filter((n) => n >= first));
  const graceBegan = performance.now();
  while (mine().some((r) => r.length < acked.length) && performance.now() - graceBegan < DELIVERY_GRACE_MS) await sleep(100);
  const wallMs = performance.now() - began;
  const sampled = sampling();
  const rssRun = rss();
  const benchCpu = process.cpuUsage(cpuStart);

  // The store's own order, from a stream that replays everything (earlier runs' messages filtered out).
  const replayed = [];
  const replay = await openStreams(server.port, 1, (_k, id) => replayed.push(indexOf.get(id) ?? -1), { path: "/messages/stream?after=0" });
  const replayBegan = performance.now();
  while (replayed.filter((n) => n >= first).length < acked.length && performance.now() - replayBegan < DELIVERY_GRACE_MS) await sleep(50);
  replay.close();

  const timedFrom = first + warm.length; // warm-up webhooks are checked, not timed
  const fromSend = [];
  const fromAck = [];
  const lastStream = new Map(); // message → its arrival on the last of the streams
  let events = 0;
  for (let k = 0; k < received.length; k++) {
    for (let j = startedAt[k]; j < received[k].length; j++) {
      const n = received[k][j];
      if (n < first) continue;
      events++;
      if (n < timedFrom) continue;
      const at = arrivedAt[k][j];
      fromSend.push(at - sent[n].sentAt);
      fromAck.push(at - sent[n].ackAt);
      lastStream.set(n, Math.max(lastStream.get(n) ?? 0, at - sent[n].sentAt));
    }
  }
  const row = {
    scenario: "stream-fanout",
    streams: received.length,
    rate,
    duration_s: ctx.options.durationS,
    // Below the rate asked for: the sender itself fell behind (its process is the stream clients' too).
    rate_achieved: round((measured.length - 1) / ((measured.at(-1).sentAt - measured[0].sentAt) / 1000)),
    warmup_messages: warm.length,
    messages: measured.length,
    events_delivered: events,
    events_timed: fromSend.length,
    webhooks: { non200: sent.length - first - acked.length, latency_ms: percentiles(measured.map((r) => r.ackAt - r.sentAt)) },
    // From the webhook's request leaving this process to the event's chunk arriving on a stream.
    latency_ms: percentiles(fromSend),
    // The same from its 200 (negative: the event came before the 200 did).
    after_200_ms: percentiles(fromAck),
    before_200_share: round((fromAck.filter((x) => x < 0).length / Math.max(1, fromAck.length)) * 100) / 100,
    // A message's time until the last of the 500 streams has it.
    all_streams_ms: percentiles([...lastStream.values()]),
    wall_s: round(wallMs / 1000),
    // Over the measured webhooks' sending and their delivery (warm-up deliveries still draining included).
    server_cpu_ms: sampled.cpuMs,
    server_cpu_pct: Math.round((sampled.cpuMs / wallMs) * 100),
    server_cpu_us_per_event: round((sampled.cpuMs * 1000) / Math.max(1, events - warm.length * received.length)),
    bench_cpu_pct: Math.round(((benchCpu.user + benchCpu.system) / 1000 / wallMs) * 100),
    peak_rss_mb: mb(sampled.peakKb),
    rss_source: sampled.source,
    rss_end_mb: mb(rssRun.settledKb),
    verification: verifyFanOut(mine(), acked, replayed.filter((n) => n >= first)),
  };
  row.verdict = judgeStream(row);
  ctx.stream.push(row);
  const l = row.latency_ms;
  log(`fan-out at ${rate}/s (${row.rate_achieved} sent) to ${row.streams} streams: p50 ${l.p50} ms, p99 ${l.p99} ms, max ${l.max} ms from send; ` +
    `webhook p99 ${row.webhooks.latency_ms.p99} ms; server CPU ${row.server_cpu_pct}% of a core (${row.server_cpu_us_per_event} µs an event), bench ${row.bench_cpu_pct}%; ${row.verification.summary}`);
}

async function idleAndFanOut(ctx) {
  const db = await ctx.store.fresh("stream");
  const server = await startServer("app", { env: { ...db.env, WEBHOOK_SECRET: ctx.secret } });
  const indexOf = new Map(); // message_id → index into `sent`
  const sent = [];
  const register = (record) => (indexOf.set(record.id, sent.length), sent.push(record));
  const received = Array.from({ length: STREAMS }, () => []);
  const arrivedAt = Array.from({ length: STREAMS }, () => []);
  const onMessage = (k, id, at) => {
    received[k].push(indexOf.get(id) ?? -1);
    arrivedAt[k].push(at);
  };
  const common = { port: server.port, secret: ctx.secret };
  let clients;
  try {
    // One stream and a few webhooks first, so "before" is a server that has run the stream code, not a cold one.
    const prelude = await openStreams(server.port, 1, () => {});
    await sendSteady({ ...common, rate: 20, seconds: 0.5, idPrefix: `${ctx.runTag}-stream-prelude`, indexBase: 89_000_000 });
    await sleep(500);
    prelude.close();
    await sleep(1_000);
    const before = server.memory();

    const opening = performance.now();
    clients = await openStreams(server.port, STREAMS, onMessage);
    const openS = (performance.now() - opening) / 1000;
    const refused = clients.streams.filter((s) => s.status !== 200 || s.firstBytes === 0).length;
    const idle = rssSampler(server);
    await sleep(IDLE_S * 1000);
    const idled = idle();
    const after = server.memory();
    const stillOpen = clients.streams.filter((s) => !s.ended).length;
    const idleRow = {
      scenario: "stream-idle",
      streams: STREAMS,
      answered_200_with_first_bytes: STREAMS - refused,
      still_open_after_idle: stillOpen,
      open_all_s: round(openS),
      open_ms: percentiles(clients.streams.map((s) => s.openMs)),
      idle_s: IDLE_S,
      rss_before_mb: mb(before.rss),
      rss_idle_mb: mb(idled.settledKb), // median of the last second's samples
      rss_idle_peak_mb: mb(idled.peakKb),
      rss_delta_mb: mb(idled.settledKb - before.rss),
      kb_per_stream: Math.round((idled.settledKb - before.rss) / STREAMS),
      hwm_before_mb: mb(before.hwm),
      hwm_after_mb: mb(after.hwm),
    };
    idleRow.verdict = judgeStream(idleRow);
    ctx.stream.push(idleRow);
    log(`${STREAMS} idle streams: ${idleRow.answered_200_with_first_bytes} answered 200 with first bytes in ${idleRow.open_all_s} s; ` +
      `RSS ${idleRow.rss_before_mb} → ${idleRow.rss_idle_mb} MB (+${idleRow.rss_delta_mb} MB, ${idleRow.kb_per_stream} kB a stream); VmHWM ${idleRow.hwm_after_mb} MB`);

    for (const rate of FANOUT_RATES) await fanOut(ctx, server, rate, { sent, register, received, arrivedAt, indexOf });
  } finally {
    clients?.close();
    await server.stop();
    await db.drop();
  }
}

async function exports(ctx) {
  const size = exportSize(ctx.options);
  const formats = EXPORT_FORMATS.filter((f) => ctx.selected(`stream-export-${f}@${sizeLabel(size)}`));
  if (formats.length === 0) return;
  const db = await ctx.store.fresh("export", { migrate: true });
  try {
    const seeding = performance.now();
    await db.seed(0, size);
    const seedS = round((performance.now() - seeding) / 1000);
    log(`seeded ${sizeLabel(size)} messages for the export in ${seedS} s`);
    const server = await startServer("app", { env: { ...db.env, WEBHOOK_SECRET: ctx.secret } });
    try {
      const stats = JSON.parse((await httpGet(server.port, "/stats", 120_000)).body);
      if (stats.total_messages !== size) throw new Error(`seeded ${size} rows, but the app reports ${stats.total_messages}`);
      for (const format of formats) {
        await sleep(1_000);
        const before = server.memory();
        const sampling = server.sample();
        const rss = rssSampler(server);
        const got = await download(server.port, `/messages/export?format=${format}`);
        const series = rss();
        const sampled = sampling();
        const rows = format === "csv" ? got.lines - 1 : got.lines;
        const wellFormed = format === "csv" ? got.firstLines[0] === "message_id,from,to,ts,text\r" : isJson(got.firstLines[0]) && isJson(got.lastLine);
        const ok = got.status === 200 && got.complete && rows === size && wellFormed;
        const row = {
          scenario: `stream-export-${format}`,
          size,
          seed_s: seedS,
          status: got.status,
          rows,
          bytes: got.bytes,
          duration_s: round(got.ms / 1000),
          rows_per_s: Math.round(rows / (got.ms / 1000)),
          mb_per_s: round(got.bytes / 1048576 / (got.ms / 1000)),
          rss_before_mb: mb(before.rss),
          // VmRSS every 100 ms (the measure), and with VmHWM, which also catches peaks between samples.
          rss_peak_mb: mb(series.peakKb),
          rss_peak_minus_before_mb: mb(series.peakKb - before.rss),
          hwm_peak_mb: mb(sampled.peakKb),
          hwm_source: sampled.source,
          rss_samples: series.count,
          rss_peak_mb_by_second: series.bySecondMb,
          server_cpu_ms: sampled.cpuMs,
          verification: { ok, summary: `${ok ? "ok" : "FAILED"}: ${rows} rows of ${size}, status ${got.status}, ${got.complete ? "complete" : "CUT SHORT"}${wellFormed ? "" : ", MALFORMED ends"}` },
        };
        row.verdict = judgeStream(row);
        ctx.stream.push(row);
        log(`export ${format}@${sizeLabel(size)}: ${rows} rows, ${mb(got.bytes / 1024)} MB in ${row.duration_s} s; ` +
          `server RSS ${row.rss_before_mb} MB before, peak ${row.rss_peak_mb} MB (+${row.rss_peak_minus_before_mb}); ${row.verification.summary}`);
      }
    } finally {
      await server.stop();
    }
  } finally {
    await db.drop();
  }
}

const isJson = (line) => {
  try {
    return typeof JSON.parse(line).message_id === "string";
  } catch {
    return false;
  }
};

export async function streamPhase(ctx) {
  if (ctx.selected("stream-idle") || ctx.selected("stream-fanout")) await idleAndFanOut(ctx);
  await exports(ctx);
}
