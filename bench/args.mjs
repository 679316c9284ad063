// Command-line options of `npm run bench -- …`, with the quick and full presets.
export const USAGE = `usage: npm run bench -- [options]
  --quick                   short runs without warm-up, sizes 10k and 100k (< 2 min)
  --database <url>          sqlite (default: a fresh file in a temp dir) or postgres://… (a fresh schema, dropped after)
  --only <text>[,<text>…]   only scenarios whose name contains one of these (e.g. ingest, stats, list-q@1M, startup, stream)
  --sizes <n>[,<n>…]        stored-message counts for the read scenarios, e.g. 10k,100k,1M
  --duration <s>            measured seconds per scenario (quick 3, full 15)
  --warmup <s>              warm-up seconds per scenario (quick 0, full 5)
  --repeats <n>             runs of each ingest and read scenario, each beside its baseline; the medians are reported (quick 1, full 3)
  --connections <n>         ingest concurrency (64)
  --read-connections <n>    read concurrency (16)
  --loadgen <name>          wrk (default: installed with apt-get when missing, autocannon if that fails) or autocannon
  --workers <n>             WORKERS for the app server (default: unset, one process); CPU and RSS then cover all its processes
  --search-threads <n>      SEARCH_THREADS for the app server (default: unset, one at a time)
  --search-cache-mb <n>     SEARCH_CACHE_MB for the app server (default: unset, 4 MB a search thread; SQLite only)`;

export const sizeLabel = (n) => (n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : String(n));

const parseSize = (text) => {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(text.trim());
  if (!m) throw new Error(`not a size: ${text}`);
  return Math.round(Number(m[1]) * { "": 1, k: 1e3, m: 1e6 }[m[2].toLowerCase()]);
};

const positive = (name, text) => {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} wants a number, got ${text}`);
  return n;
};

export function parseArgs(argv) {
  const options = { quick: false, database: "sqlite", only: [], sizes: null, durationS: null, warmupS: null, repeats: null, connections: 64, readConnections: 16, loadgen: "wrk", workers: null, searchThreads: null, searchCacheMb: null };
  for (let k = 0; k < argv.length; k++) {
    const flag = argv[k];
    const value = () => {
      if (k + 1 >= argv.length) throw new Error(`${flag} needs a value`);
      return argv[++k];
    };
    if (flag === "--quick") options.quick = true;
    else if (flag === "--database") options.database = value();
    else if (flag === "--only") options.only.push(...value().split(",").filter(Boolean));
    else if (flag === "--sizes") options.sizes = value().split(",").map(parseSize);
    else if (flag === "--duration") options.durationS = positive(flag, value());
    else if (flag === "--warmup") options.warmupS = positive(flag, value());
    else if (flag === "--repeats") options.repeats = Math.max(1, Math.round(positive(flag, value())));
    else if (flag === "--connections") options.connections = positive(flag, value());
    else if (flag === "--read-connections") options.readConnections = positive(flag, value());
    else if (flag === "--loadgen") options.loadgen = value();
    else if (flag === "--workers") options.workers = positive(flag, value());
    else if (flag === "--search-threads") options.searchThreads = positive(flag, value());
    else if (flag === "--search-cache-mb") options.searchCacheMb = positive(flag, value());
    else if (flag === "--help" || flag === "-h") options.help = true;
    else throw new Error(`unknown option ${flag}\n${USAGE}`);
  }
  if (options.database !== "sqlite" && !/^postgres(ql)?:\/\//.test(options.database)) {
    throw new Error(`--database takes sqlite or postgres://…, not ${options.database}`);
  }
  if (!["wrk", "autocannon"].includes(options.loadgen)) throw new Error(`--loadgen takes wrk or autocannon, not ${options.loadgen}`);
  options.sizes ??= options.quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
  options.durationS ??= options.quick ? 3 : 15;
  options.warmupS ??= options.quick ? 0 : 5;
  options.repeats ??= options.quick ? 1 : 3;
  options.startupRepeats = options.quick ? 1 : 3;
  return options;
}
