-- wrk script for bench/serve/load: each request a worklist page at a random depth (`paths`,
-- written before this by the load script). wrk counts every answer of 400 or more as an error.
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
done = function(summary, latency, requests)
  io.write(string.format("errors: status %d, connect %d, read %d, write %d, timeout %d\n",
    summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout))
end
