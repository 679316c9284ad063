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
    parts[#parts + 1] = string.format('{"tid":%d,"sent":%d,"statuses":"%s","exhausted":%s}', t:get("tid"), t:get("sent") or 0,
      statuses and table.concat(statuses) or "", tostring(t:get("exhausted") or false))
  end
  io.write(string.format('\\nWRK_JSON {"duration_us":%d,"requests":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"p50":%d,"p90":%d,"p99":%d,"max":%d,"threads":[%s]}\\n', summary.duration, summary.requests, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, table.concat(parts, ",")))
end
`;

/**
 * Ingest: each thread drives one connection, so its answers come back in the order it sent, and the
 * n-th status is the n-th request's. It sends the lines of its own file (signature TAB body), made
 * and signed beforehand: wrk's Lua has no HMAC. A thread that runs out re-sends its last line and says so.
 */
export const INGEST_LUA = `${REPORT}
function init(args)
  file = assert(io.open(args[1] .. "/" .. tid .. ".tsv", "r"))
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
  return wrk.format("POST", "/webhook", { ["Content-Type"] = "application/json", ["X-Signature"] = signature }, body)
end
function response(status, headers, body)
  statuses[#statuses + 1] = status == 200 and "2" or "x"
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
