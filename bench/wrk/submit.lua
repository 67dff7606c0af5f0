-- POST /api/v1/dossiers as citizen1 with a fresh Idempotency-Key each time.
-- env: TOKEN (bearer), BODY (file with the JSON submission, agency written as __AGENCY__),
--      AGENCIES (file, one agency per line: submissions rotate over them, as a province's
--      communes do; one desk alone would exhaust its 9,999 codes of the day)
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua"
local report = require("report")
local f = assert(io.open(os.getenv("BODY")))
local body = f:read("*a")
f:close()
local agencies = {}
for line in io.lines(os.getenv("AGENCIES")) do agencies[#agencies + 1] = line end
local n = 0
function setup(thread) thread:set("id", tostring(math.random(1, 1e9))) end
function request()
  n = n + 1
  return wrk.format("POST", "/api/v1/dossiers", {
    ["Authorization"] = "Bearer " .. os.getenv("TOKEN"),
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = id .. "-" .. n,
  }, (body:gsub("__AGENCY__", agencies[n % #agencies + 1])))
end
done = report.done
