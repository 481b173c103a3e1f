-- wrk: BATCH SMS admissions per request (default 1000).
local account = os.getenv("ACCOUNT")
local n = tonumber(os.getenv("BATCH") or "1000")
local items = {}
for i = 1, n do items[i] = '{"account_sid":"' .. account .. '","channel":"sms"}' end
wrk.method = "POST"
wrk.path = "/v1/Admissions/Batch"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.body = '{"items":[' .. table.concat(items, ",") .. ']}'
