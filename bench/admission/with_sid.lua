-- wrk: SMS admissions, each with a new message SID (so the admission journal writes it before
-- the answer). SID_BATCH=0 (default) sends one per request to POST /v1/Admissions; SID_BATCH=N
-- sends N per request to POST /v1/Admissions/Batch. ACCOUNT and TOKEN come from the environment.
local account = os.getenv("ACCOUNT")
local batch = tonumber(os.getenv("SID_BATCH") or "0")
local counter = 0
local prefix
wrk.method = "POST"
wrk.path = batch > 0 and "/v1/Admissions/Batch" or "/v1/Admissions"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")

function init(args)
  -- A random 24-digit prefix per wrk thread and a counter: SIDs never repeat across runs.
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
  prefix = string.format("%08x%08x%08x", math.random(0, 0x7fffffff), math.random(0, 0x7fffffff), math.random(0, 0x7fffffff))
end

local function item()
  counter = counter + 1
  return '{"account_sid":"' .. account .. '","channel":"sms","message_sid":"SM' .. prefix .. string.format("%08x", counter) .. '"}'
end

function request()
  if batch == 0 then return wrk.format(nil, nil, nil, item()) end
  local items = {}
  for i = 1, batch do items[i] = item() end
  return wrk.format(nil, nil, nil, '{"items":[' .. table.concat(items, ",") .. ']}')
end
