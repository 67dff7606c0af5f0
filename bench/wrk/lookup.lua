-- GET /api/v1/lookup/{code} over the codes in the file CODES (one per line).
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua"
local report = require("report")
local codes = {}
for line in io.lines(os.getenv("CODES")) do codes[#codes + 1] = line end
local i = 0
function request()
  i = i % #codes + 1
  return wrk.format("GET", "/api/v1/lookup/" .. codes[i])
end
done = report.done
