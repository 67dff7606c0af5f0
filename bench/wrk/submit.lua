-- POST /api/v1/dossiers as citizen1 with a fresh Idempotency-Key each time.
-- env: TOKEN (bearer), BODY (file with the JSON submission)
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua"
local report = require("report")
local f = assert(io.open(os.getenv("BODY")))
local body = f:read("*a")
f:close()
local n = 0
function setup(thread) thread:set("id", tostring(math.random(1, 1e9))) end
function request()
  n = n + 1
  return wrk.format("POST", "/api/v1/dossiers", {
    ["Authorization"] = "Bearer " .. os.getenv("TOKEN"),
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = id .. "-" .. n,
  }, body)
end
done = report.done
