-- wrk script for the reliability load test (benchmarks/reliability/load_test.py): mixed
-- Linked Data dereferencing and SPARQL. The requests are read from the file named by
-- LERLD_LOAD_REQUESTS, one per line, "PATH<TAB>ACCEPT", taken in a random order per
-- connection; "{n}" in a path becomes a number never sent before, so that such a SPARQL
-- query is evaluated (no answer cache) every time. Prints one JSON line of figures at the end.
local requests = {}
local count = 0
local sent = 0
local thread_id = 0
local next_thread = 0

setup = function(thread)
  next_thread = next_thread + 1
  thread:set("thread_id", next_thread)
end

init = function(args)
  for line in io.lines(os.getenv("LERLD_LOAD_REQUESTS")) do
    local path, accept = line:match("^(%S+)\t(.+)$")
    if path then
      count = count + 1
      requests[count] = { path = path, accept = accept }
    end
  end
  math.randomseed(os.time() * 1000 + thread_id)
end

request = function()
  local chosen = requests[math.random(count)]
  sent = sent + 1
  local path = chosen.path:gsub("{n}", thread_id .. "x" .. sent .. "x" .. math.random(1000000))
  return wrk.format("GET", path, { ["Accept"] = chosen.accept })
end

done = function(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "non_2xx_3xx": %d, "connect_errors": %d, "read_errors": %d, ' ..
    '"write_errors": %d, "timeouts": %d, "bytes": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.status, e.connect, e.read, e.write, e.timeout,
    summary.bytes))
end
