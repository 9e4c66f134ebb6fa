-- wrk script: mixed entity requests (Turtle, JSON-LD, HTML documents and 303s), read from
-- the file named by LERLD_WRK_REQUESTS ("PATH<TAB>ACCEPT" per line), in a random order
-- per thread; prints one JSON line of figures when done.
local requests = {}
local count = 0

init = function(args)
  for line in io.lines(os.getenv("LERLD_WRK_REQUESTS")) do
    local path, accept = line:match("^(%S+)\t(.+)$")
    if path then
      count = count + 1
      requests[count] = wrk.format("GET", path, { ["Accept"] = accept })
    end
  end
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0))
end

request = function()
  return requests[math.random(count)]
end

done = function(summary, latency, _)
  local statuses = summary.errors.status or 0
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "mean_us": %.1f, "non_2xx_3xx": %d, "socket_errors": %d, "bytes": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean, statuses,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.bytes))
end
