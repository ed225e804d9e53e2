-- Mixed staff + portal workload for wrk (bench/load_mixed.py writes the request list).
--
--   wrk -t2 -c16 -d30s -s bench/load/mixed.lua http://127.0.0.1:PORT -- requests.tsv
--
-- requests.tsv: one request a line, "kind<TAB>path<TAB>auth" with auth one of
-- "none" (portal visitor), "session" (staff page, session cookie) or "token" (staff API,
-- DRF token); the cookie and the token come from the environment (LOAD_COOKIE, LOAD_TOKEN).
-- Each connection walks the list from its own offset. A response is an error unless its
-- status is 2xx or 3xx; statuses are counted per kind and printed as one JSON line
-- ("RESULT {...}") with the latency percentiles, for the Python driver to parse. Socket errors
-- and timeouts never reach response(): they are in wrk's own error counts (summary.errors), and
-- after one the per-kind attribution of that connection's later answers may shift by one (the
-- totals stay exact).

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local function split(line)
  local fields = {}
  for field in string.gmatch(line, "[^\t]+") do
    table.insert(fields, field)
  end
  return fields
end

function init(args)
  local cookie = os.getenv("LOAD_COOKIE") or ""
  local token = os.getenv("LOAD_TOKEN") or ""
  requests_list = {}
  kinds = {}
  for line in io.lines(args[1]) do
    local f = split(line)
    local headers = {}
    if f[3] == "session" then
      headers["Cookie"] = cookie
    elseif f[3] == "token" then
      headers["Authorization"] = "Token " .. token
    end
    table.insert(requests_list, wrk.format("GET", f[2], headers))
    table.insert(kinds, f[1])
  end
  -- spread the threads over the list so they do not ask for the same pages in step
  position = ((id or 1) * 7919) % #requests_list
  pending = {}
  counts = {}   -- "kind status" -> n
  errors = 0
end

function request()
  position = position % #requests_list + 1
  table.insert(pending, kinds[position])
  return requests_list[position]
end

function response(status, headers, body)
  -- HTTP/1.1 keep-alive without pipelining: answers come back in the order asked
  local kind = table.remove(pending, 1) or "?"
  local key = kind .. " " .. status
  counts[key] = (counts[key] or 0) + 1
  if status < 200 or status >= 400 then
    errors = errors + 1
  end
end

function done(summary, latency, requests)
  local merged = {}
  local total_errors = 0
  for _, thread in ipairs(threads) do
    total_errors = total_errors + thread:get("errors")
    local c = thread:get("counts")
    for key, n in pairs(c) do
      merged[key] = (merged[key] or 0) + n
    end
  end
  local parts = {}
  for key, n in pairs(merged) do
    table.insert(parts, string.format('"%s": %d', key, n))
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p95_us": %d, '
      .. '"p99_us": %d, "max_us": %d, "mean_us": %.1f, "status_errors": %d, "connect": %d, '
      .. '"read": %d, "write": %d, "timeout": %d, "non2xx3xx": %d, "counts": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.max, latency.mean, total_errors,
    e.connect, e.read, e.write, e.timeout, e.status, table.concat(parts, ", ")))
end
