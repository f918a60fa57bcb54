-- wrk script of every closed-loop scenario.
--
-- Signed-in scenarios: every request carries the session cookie of the next seeded user, so the
-- load spreads over all of them; each thread starts at its own place in the list. Requests are
-- formatted once in init(): request() only picks one (formatting per request would cost wrk CPU
-- that the servers need on a small machine).
--
-- Every scenario: statuses outside 2xx are counted by code and printed at the end as
-- `non-2xx statuses: 504=2 302=1` (wrk's own counter says neither which nor anything of 3xx).
--
-- Arguments after `--`: <tokens file, or - for none> <cookie name> <method> <path>
--                       [<origin> <json body>]

local requests = {}
local count = 0
local index = 0
local threads = {}
statuses = {}

function setup(thread)
  thread:set("thread_number", #threads)
  table.insert(threads, thread)
end

function init(args)
  local tokens, cookie, method, path, origin, body = args[1], args[2], args[3], args[4], args[5], args[6]
  local function add(headers)
    if body ~= nil then
      headers["Origin"] = origin
      headers["Content-Type"] = "application/json"
    end
    count = count + 1
    requests[count] = wrk.format(method, path, headers, body)
  end
  if tokens == "-" then
    add({})
  else
    for token in io.lines(tokens) do
      if token ~= "" then
        add({ ["Cookie"] = cookie .. "=" .. token })
      end
    end
  end
  if count == 0 then
    error("no session tokens in " .. tokens)
  end
  index = ((thread_number or 0) * 7919) % count
end

function request()
  index = index % count + 1
  return requests[index]
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(totals) do
    table.insert(parts, status .. "=" .. n)
  end
  io.write("non-2xx statuses: " .. table.concat(parts, " ") .. "\n")
end
