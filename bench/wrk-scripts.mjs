// wrk's Lua scripts, written to the run's temp dir: every one ends by printing its figures as one JSON line.

/** Setup numbers the threads; done prints the summary, exact percentiles (wrk records every latency in µs) and per-thread state. */
const REPORT = `
local threads = {}
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function done(summary, latency, requests)
  local e = summary.errors
  local parts = {}
  for _, t in ipairs(threads) do
    local statuses = t:get("statuses")
    local sent = t:get("sent") or 0
    local line = {}
    -- One character a line sent: its answer, or "." for none.
    if statuses then for n = 1, sent do line[n] = statuses[n] or "." end end
    parts[#parts + 1] = string.format('{"tid":%d,"sent":%d,"statuses":"%s","exhausted":%s}', t:get("tid"), sent,
      table.concat(line), tostring(t:get("exhausted") or false))
  end
  io.write(string.format('\\nWRK_JSON {"duration_us":%d,"requests":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"p50":%d,"p90":%d,"p99":%d,"max":%d,"threads":[%s]}\\n', summary.duration, summary.requests, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, table.concat(parts, ",")))
end
`;

/**
 * Ingest: one thread over all the connections, as the measurement has it (a thread per
 * connection gave the server's thread less of the two cores when 64 woke at once). It sends the
 * lines of its file (signature TAB body), made and signed beforehand since wrk's Lua has no HMAC,
 * each with its line number as X-Request-Id; the server (app and baseline) sends that id back, so
 * an answer maps onto its line whatever the connection and even across a reconnect. statuses[n] is
 * line n's answer: "2" for a 200, "x" for any other, missing for none. A thread that runs out re-sends
 * its last line and says so.
 */
export const INGEST_LUA = `${REPORT}
function init(args)
  file = assert(io.open(args[1], "r"))
  sent = 0
  statuses = {}
  exhausted = false
end
local last
function request()
  local line = file:read("*l")
  if line == nil then exhausted = true; line = last else last = line end
  sent = sent + 1
  local signature, body = line:match("^([^\\t]*)\\t(.*)$")
  return wrk.format("POST", "/webhook", { ["Content-Type"] = "application/json", ["X-Signature"] = signature, ["X-Request-Id"] = "line-" .. sent }, body)
end
function response(status, headers, body)
  local id = headers["X-Request-Id"] or headers["x-request-id"]
  local n = id and tonumber(id:match("^line%-(%d+)$"))
  if n then statuses[n] = status == 200 and "2" or "x" end
end
`;

/** Reads over several paths (one per line of a file), each thread starting at its own place in the rotation. */
export const PATHS_LUA = `${REPORT}
function init(args)
  paths = {}
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  k = tid * 97
end
function request()
  k = k + 1
  return wrk.format("GET", paths[k % #paths + 1])
end
`;

/** One fixed path: no request function, so wrk builds the request once and re-sends its bytes. */
export const STATIC_LUA = REPORT;

/**
 * A flood at a fixed rate, which wrk itself lacks: one thread hands out send times `interval` apart
 * (args[1] requests a second) through wrk's delay(), so its connections together keep the rate and
 * never burst to catch up; each re-sends the same unsigned POST /webhook (the body from args[2]).
 * LuaJIT's ffi reads the monotonic clock: plain Lua has only whole seconds.
 */
export const PACED_FLOOD_LUA = `${REPORT}
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } lyftr_timespec;
int clock_gettime(int clk_id, lyftr_timespec *tp);
]]
local clock = ffi.new("lyftr_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, clock)
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end
local interval, next_at
function init(args)
  interval = 1000 / tonumber(args[1])
  local file = assert(io.open(args[2], "r"))
  wrk.method = "POST"
  wrk.body = file:read("*a")
  wrk.headers["Content-Type"] = "application/json"
  file:close()
end
function delay()
  local now = now_ms()
  if next_at == nil or next_at < now then next_at = now end
  local wait = next_at - now
  next_at = next_at + interval
  return wait
end
`;
