#!/usr/bin/env python3
"""PT-4 across nodes: hammer several `trustdesk serve` processes that share one PostgreSQL with
admission requests for one account whose cap is N, and check that the nodes together admit at
most N (and nearly N), and that every refusal is 63038.

usage: hammer.py ACCOUNT_SID LIMIT TOKEN URL [URL...]
Bounded: at most LIMIT * 1.5 attempts and 60 s."""
import http.client
import json
import sys
import threading
import time
import urllib.parse

account, limit, token, urls = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
attempts_total = int(limit * 1.5)
batch = 25
deadline = time.time() + 60
lock = threading.Lock()
state = {"sent": 0, "admitted": 0, "refused": 0, "other": {}, "errors": 0}


def take(n):
    with lock:
        left = attempts_total - state["sent"]
        n = min(n, left)
        state["sent"] += max(n, 0)
        return n


def worker(url, single):
    parsed = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    while time.time() < deadline:
        n = take(1 if single else batch)
        if n <= 0:
            break
        items = [{"account_sid": account, "channel": "sms"} for _ in range(n)]
        path, body = ("/v1/Admissions", items[0]) if single else ("/v1/Admissions/Batch", {"items": items})
        try:
            conn.request("POST", path, json.dumps(body), headers)
            response = conn.getresponse()
            data = json.loads(response.read())
        except Exception as error:  # a dropped connection: count it, reconnect
            with lock:
                state["errors"] += 1
            conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
            continue
        results = [data] if single else data.get("results", [])
        with lock:
            if not single and len(results) != n:
                state["errors"] += 1
            for result in results:
                if result.get("admitted") is True:
                    state["admitted"] += 1
                elif result.get("error_code") == 63038:
                    state["refused"] += 1
                else:
                    code = str(result.get("error_code") or result.get("code"))
                    state["other"][code] = state["other"].get(code, 0) + 1


threads = []
for i, url in enumerate(urls):
    for j in range(4):
        threads.append(threading.Thread(target=worker, args=(url, j == 0)))
started = time.time()
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.time() - started
print(json.dumps({**state, "limit": limit, "nodes": len(urls), "seconds": round(elapsed, 1)}))
ok = (state["admitted"] <= limit and state["admitted"] >= limit * 99 // 100
      and not state["other"] and state["errors"] == 0 and state["sent"] >= limit)
if not ok:
    print("FAILED: want %d >= admitted >= %d, every refusal 63038, no errors" % (limit, limit * 99 // 100))
    sys.exit(1)
print("ok: %d nodes admitted %d of a %d cap; %d refusals, all 63038" % (len(urls), state["admitted"], limit, state["refused"]))
