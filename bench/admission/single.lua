-- wrk: one SMS admission per request. ACCOUNT and TOKEN come from the environment.
local account = os.getenv("ACCOUNT")
wrk.method = "POST"
wrk.path = "/v1/Admissions"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.body = '{"account_sid":"' .. account .. '","channel":"sms"}'
