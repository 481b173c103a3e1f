"""SUP-2 inbound mail benchmark (docs/performance.md, "Support channels").

1,000 mails of about 1 MB (a 1 MB attachment, listed but not stored), each posted twice the way
SendGrid's Inbound Parse retries, from an authenticated Acme teammate, 8 at a time. Reports p50
and p95 of the first posts and of the retries, against a same-run baseline: the same 1 MB body
posted to a wrong token (read in full, then 404). Then checks there are no duplicates: 1,000
tickets opened, 1,000 retries answered `duplicate`.

    python3 bench/support-channels/inbound.py URL INBOUND_TOKEN ACCOUNT_SID AUTH_TOKEN [MAILS]

The server must be a fresh `serve --demo` with TRUSTDESK_INBOUND_MAIL_TOKEN set (inbound.sh).
"""

from __future__ import annotations

import concurrent.futures
import statistics
import sys
import time
import uuid

import requests

URL, TOKEN, SID, AUTH = sys.argv[1:5]
MAILS = int(sys.argv[5]) if len(sys.argv) > 5 else 1000
ATTACHMENT = b"x" * (1024 * 1024)


def fields(message_id: str) -> dict:
    headers = f"Message-ID: <{message_id}>\r\nSubject: Bench {message_id}\r\n"
    return {
        "headers": (None, headers), "from": (None, "Avery Stone <avery@acme-rockets.example.com>"),
        "to": (None, "support@trustdesk.example.com"), "subject": (None, f"Bench {message_id}"),
        "text": (None, "Calls drop after five seconds."), "SPF": (None, "pass"), "dkim": (None, "none"),
        "envelope": (None, '{"to":["support@trustdesk.example.com"],"from":"avery@acme-rockets.example.com"}'),
        "attachments": (None, "1"), "attachment1": ("capture.pcap", ATTACHMENT, "application/octet-stream"),
    }


def post(token: str, message_id: str) -> tuple[float, int, str]:
    started = time.perf_counter()
    r = requests.post(f"{URL}/inbound/mail/{token}", files=fields(message_id), timeout=120)
    elapsed = time.perf_counter() - started
    outcome = r.json().get("outcome", "") if r.headers.get("Content-Type", "").startswith("application/json") and r.status_code == 200 else ""
    return elapsed, r.status_code, outcome


def pct(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-p * len(ordered) // 100) - 1)] * 1000


def tickets() -> int:
    count, token = 0, None
    while True:
        params = {"page_size": 1000, **({"page_token": token} if token else {})}
        page = requests.get(f"{URL}/v1/Tickets", auth=(SID, AUTH), params=params, timeout=60).json()
        count += len(page["tickets"])
        token = page["meta"]["next_page_token"]
        if not token:
            return count


def main() -> None:
    before = tickets()
    ids = [f"bench-{uuid.uuid4().hex}@acme-rockets.example.com" for _ in range(MAILS)]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        baseline = list(pool.map(lambda m: post("wrong-token-000000000000000000", m), ids[: min(200, MAILS)]))
        first = list(pool.map(lambda m: post(TOKEN, m), ids))
        retry = list(pool.map(lambda m: post(TOKEN, m), ids))
    assert all(status == 404 for _, status, _ in baseline)
    outcomes = statistics.multimode([o for _, _, o in first]), statistics.multimode([o for _, _, o in retry])
    opened = sum(1 for _, s, o in first if s == 200 and o == "ticket_opened")
    duplicates = sum(1 for _, s, o in retry if s == 200 and o == "duplicate")
    after = tickets()
    for name, rows in (("baseline: 1 MB to a wrong token (404)", baseline), ("first post (opens a ticket)", first), ("retry (duplicate)", retry)):
        times = [t for t, _, _ in rows]
        print(f"| {name} | p50 {pct(times, 50):.0f} ms, p95 {pct(times, 95):.0f} ms (n={len(times)}) |")
    print(f"| p95 first post / p95 baseline | {pct([t for t, _, _ in first], 95) / pct([t for t, _, _ in baseline], 95):.2f} |")
    print(f"| outcomes | {opened} ticket_opened, {duplicates} duplicate; tickets {before} -> {after} (+{after - before}); modes {outcomes} |")
    assert opened == MAILS and duplicates == MAILS and after - before == MAILS, "duplicates or lost mail"


if __name__ == "__main__":
    main()
