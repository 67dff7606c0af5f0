-- GET /api/v1/lookup/{code}?k=FACTOR over the codes in the file CODES (one per line). A code
-- alone answers nothing; FACTOR (default 1234, the last four digits of the benchmark
-- applicant's ID number) is the second factor every lookup needs.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua"
local report = require("report")
local codes = {}
for line in io.lines(os.getenv("CODES")) do codes[#codes + 1] = line end
local factor = os.getenv("FACTOR") or "1234"
local i = 0
function request()
  i = i % #codes + 1
  return wrk.format("GET", "/api/v1/lookup/" .. codes[i] .. "?k=" .. factor)
end
done = report.done
