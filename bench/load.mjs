// The load generator, run as its own process: autocannon with per-request bodies and signatures, exact latency percentiles.
import { createHmac } from "node:crypto";
import { writeFileSync } from "node:fs";
import autocannon from "autocannon";
import { message } from "./dataset.mjs";

const config = JSON.parse(process.argv[2]);
// The parent holds our stdin open; when it goes away (crash, kill -9), so do we.
process.stdin.on("end", () => process.exit(3));
process.stdin.resume();

const sign = (body) => createHmac("sha256", config.secret).update(body).digest("hex");
const sent = new Set();
const answered = new Set();
const acked = new Set();

function ingestRequest({ dupRatio, poolSize, idPrefix, indexBase }) {
  const dupEvery = dupRatio > 0 ? Math.round(1 / dupRatio) : 0;
  let created = 0;
  let requests = 0;
  const pool = []; // recent messages, re-sent byte for byte as a sender's retry would be
  return {
    method: "POST",
    path: "/webhook",
    setupRequest(req, context) {
      let entry;
      if (dupEvery > 0 && pool.length > 0 && ++requests % dupEvery === 0) {
        entry = pool[Math.floor(Math.random() * pool.length)];
      } else {
        const n = created++;
        const { message_id, from, to, ts, text } = message(indexBase + n, `${idPrefix}-${n}`);
        const body = JSON.stringify(text === null ? { message_id, from, to, ts } : { message_id, from, to, ts, text });
        entry = { id: message_id, body, signature: sign(body) };
        if (pool.length < poolSize) pool.push(entry);
        else pool[n % poolSize] = entry;
      }
      context.id = entry.id;
      sent.add(entry.id);
      req.headers["content-type"] = "application/json";
      req.headers["x-signature"] = entry.signature;
      req.body = entry.body;
      return req;
    },
    // autocannon resets the context only after this call, and with pipelining 1 a client has one request in flight.
    onResponse(status, _body, context) {
      answered.add(context.id);
      if (status === 200) acked.add(context.id);
    },
  };
}

/** The same unsigned message again and again: a sender with no secret, or someone knocking. */
function floodRequest() {
  const body = JSON.stringify(message(0, "flood"));
  return { method: "POST", path: "/webhook", headers: { "content-type": "application/json" }, body };
}

function readRequests(paths) {
  if (paths.length === 1) return [{ method: "GET", path: paths[0] }];
  let k = 0;
  return [{ method: "GET", path: paths[0], setupRequest: (req) => ((req.path = paths[k++ % paths.length]), req) }];
}

const percentile = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : null);
const round = (x) => (x === null ? null : Math.round(x * 100) / 100);

function run(durationS) {
  const cpuStart = process.cpuUsage();
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${config.port}`,
        connections: config.connections,
        duration: durationS,
        timeout: config.timeoutS,
        requests: config.ingest ? [ingestRequest(config.ingest)] : config.flood ? [floodRequest()] : readRequests(config.paths),
        // A flood at a fixed rate, so the ingest beside it meets the same flood whatever it does.
        ...(config.flood && { overallRate: config.flood.rate }),
        // Ingest at a steady rate, below saturation: what its latency is beside other work, not its ceiling.
        ...(config.ingest?.rate && { overallRate: config.ingest.rate }),
      },
      (error, result) => {
        if (error) return reject(error);
        const sorted = latencies.subarray(0, count).sort();
        resolve({
          duration_s: result.duration,
          responses: count,
          rps: ((rps) => (rps < 10 ? Math.round(rps * 10) / 10 : Math.round(rps)))(count / result.duration),
          // Our own fractional-ms record: autocannon's histogram has 1 ms resolution, too coarse for sub-ms reads.
          latency_ms: Object.fromEntries([["p50", 0.5], ["p90", 0.9], ["p99", 0.99], ["max", 1]].map(([k, q]) => [k, round(percentile(sorted, q))])),
          status: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count])),
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          // Near 100% means the generator, not the server, may be what limits req/s.
          loadgen_cpu_pct: Math.round(((cpu) => (cpu.user + cpu.system) / 1e4 / result.duration)(process.cpuUsage(cpuStart))),
        });
      },
    );
    // Every response, as autocannon's own histogram counts them by default.
    instance.on("response", (_client, _status, _bytes, ms) => {
      if (count === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[count++] = ms;
    });
  });
}

const warmup = config.warmupS > 0 ? await run(config.warmupS) : null;
const measured = await run(config.durationS);
const output = { warmup, measured };
if (config.ingest) {
  const unanswered = [...sent].filter((id) => !answered.has(id));
  writeFileSync(config.ingest.ackedFile, [...acked].join("\n"));
  writeFileSync(config.ingest.unansweredFile, unanswered.join("\n"));
  output.ingest = { distinct_sent: sent.size, distinct_acked: acked.size, distinct_unanswered: unanswered.length };
}
process.stdout.write(JSON.stringify(output), () => process.exit(0));
