#!/usr/bin/env python3
"""Concurrent writes against a running TrustDesk, the way its users write.

Each client loops until the time is up over: open a ticket (POST /v1/Tickets), comment on it,
ask admission for SMS (POST /v1/Admissions, the messaging pipeline), now and then ask for more
messages (POST .../MessagingLimits/Requests, PT-10), and sign up a new customer through the
pages and confirm the emailed link (ACC-3). The server runs its background jobs meanwhile.

Every answer is counted. The run fails (exit 1) on any 5xx, any connection error, and any 4xx
that the request did not deserve; the only refusal expected is 429 on sign-up, which is
throttled per client address (SEC-2; each client signs up from its own 127.0.0.x address).

    writes.py --url http://127.0.0.1:8080 --data-dir ./data --sid AC... --token tdat_... \
              --service-token TOKEN [--clients 16] [--seconds 60] [--json result.json]
"""
from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import secrets
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "e2e"))
from helpers import Page, SourceAddressAdapter, find_link, wait_for_mail  # noqa: E402

TIMEOUT = 60


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ok: dict[str, int] = defaultdict(int)
        self.expected_refusals: dict[str, int] = defaultdict(int)
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.latencies: dict[str, list[float]] = defaultdict(list)

    def record(self, op: str, status: int, seconds: float, detail: str = "", expected: tuple[int, ...] = ()) -> bool:
        with self.lock:
            self.latencies[op].append(seconds)
            if 200 <= status < 400:
                self.ok[op] += 1
                return True
            if status in expected:
                self.expected_refusals[op] += 1
                return False
            self.errors[op].append(f"{status} {detail[:300]}")
            return False

    def summary(self, seconds: float) -> dict:
        ops = sorted(set(self.ok) | set(self.errors) | set(self.expected_refusals))
        rows = {}
        for op in ops:
            lat = sorted(self.latencies[op])
            pick = lambda q: round(lat[min(len(lat) - 1, int(q * len(lat)))] * 1000, 1) if lat else None  # noqa: E731
            rows[op] = {"ok": self.ok[op], "refused_as_expected": self.expected_refusals[op],
                        "errors": len(self.errors[op]), "p50_ms": pick(0.50), "p95_ms": pick(0.95),
                        "p99_ms": pick(0.99), "per_second": round(self.ok[op] / seconds, 1)}
        # Page reads (the sign-up and confirmation forms) are not writes.
        writes = sum(count for op, count in self.ok.items() if not op.endswith("_page"))
        return {"seconds": round(seconds, 1), "successful_writes": writes, "writes_per_second": round(writes / seconds, 1),
                "errors": sum(len(v) for v in self.errors.values()), "operations": rows,
                "first_errors": {op: v[:5] for op, v in self.errors.items() if v}}


def status_of(call) -> tuple[int, str, dict | None]:
    try:
        r = call()
    except requests.RequestException as error:  # connection reset, timeout: counted as an error
        return 599, f"{type(error).__name__}: {error}", None
    try:
        body = r.json()
    except ValueError:
        body = None
    return r.status_code, r.text, body


def client(index: int, args, tally: Tally, deadline: float) -> None:
    api = requests.Session()
    api.headers["Authorization"] = "Basic " + base64.b64encode(f"{args.sid}:{args.token}".encode()).decode()
    service = requests.Session()
    service.headers["Authorization"] = f"Bearer {args.service_token}"
    source = f"127.0.0.{index + 2}"
    tickets: list[int] = []
    last_signup = 0.0
    cycle = 0
    while time.time() < deadline:
        cycle += 1
        n = index * 1_000_000 + cycle
        # A ticket, as the hook's tickets_load.py opens them (SUP-12 messaging intake).
        example = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        started = time.time()
        status, text, body = status_of(lambda: api.post(f"{args.url}/v1/Tickets", timeout=TIMEOUT, json={
            "subject": f"load {n}: messages not delivered", "description": f"Messages to +1555{n % 10000:04d} fail.",
            "product": "messaging", "priority": 2 + n % 2, "sids": [f"SM{2 * n + 1:032x}", f"SM{2 * n + 2:032x}"],
            "oldest_example_at": example, "direction": "outbound"}))
        if tally.record("ticket_create", status, time.time() - started, text) and body and body.get("number"):
            tickets.append(body["number"])
        if tickets:
            number = tickets[cycle % len(tickets)]
            started = time.time()
            status, text, _ = status_of(lambda: api.post(f"{args.url}/v1/Tickets/{number}/Comments", timeout=TIMEOUT,
                                                         json={"body": f"more detail {n}"}))
            tally.record("ticket_comment", status, time.time() - started, text)
        for k in range(4):
            started = time.time()
            status, text, _ = status_of(lambda: service.post(f"{args.url}/v1/Admissions", timeout=TIMEOUT, json={
                "account_sid": args.sid, "channel": "sms", "message_sid": f"SM{secrets.token_hex(16)}"}))
            tally.record("admission", status, time.time() - started, text)
        if cycle % 10 == 1:
            today = dt.date.today()
            started = time.time()
            status, text, _ = status_of(lambda: api.post(f"{args.url}/v1/Accounts/{args.sid}/MessagingLimits/Requests",
                                                         timeout=TIMEOUT, json={
                "kind": "more_messages", "amount": 5000 + cycle, "starts_on": today.isoformat(),
                "ends_on": (today + dt.timedelta(days=7)).isoformat(), "reason": f"Load test campaign {n}"}))
            tally.record("trust_request", status, time.time() - started, text)
        if time.time() - last_signup > args.signup_every:
            last_signup = time.time()
            sign_up_and_confirm(args, source, tally, n)


def sign_up_and_confirm(args, source: str, tally: Tally, n: int) -> None:
    web = requests.Session()
    web.mount("http://", SourceAddressAdapter(source))
    name = f"load{n}{secrets.token_hex(3)}"
    email = f"{name}@example.com"
    started = time.time()
    status, text, _ = status_of(lambda: web.get(f"{args.url}/signup", timeout=TIMEOUT))
    if not tally.record("signup_page", status, time.time() - started, text):
        return
    form = Page(text).form("signup-form")
    data = dict(form.fields)
    data.update(full_name=f"Load {name}", email=email, username=name, password="Pw-" + secrets.token_urlsafe(12),
                account_name=f"Load Org {name}", country="US", phone="+1 555 010 0142")
    started = time.time()
    status, text, _ = status_of(lambda: web.post(f"{args.url}/signup", data=data, timeout=TIMEOUT))
    if not tally.record("signup", status, time.time() - started, text, expected=(429,)):
        return
    try:
        mail = wait_for_mail(args.data_dir, email, subject="Confirm your email address", timeout=30)
    except AssertionError as error:
        tally.record("signup_mail", 598, 0, str(error))
        return
    link = find_link(mail.body, "/signup/confirm")
    started = time.time()
    status, text, _ = status_of(lambda: web.get(link, timeout=TIMEOUT))
    if not tally.record("confirm_page", status, time.time() - started, text):
        return
    confirm = Page(text).form("confirm-form")
    started = time.time()
    target = requests.compat.urljoin(link, confirm.action or link)
    status, text, _ = status_of(lambda: web.post(target, data=dict(confirm.fields), timeout=TIMEOUT))
    if tally.record("confirm", status, time.time() - started, text) and "account-created" not in text:
        tally.record("confirm_page_content", 597, 0, text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--data-dir", required=True, help="the server's TRUSTDESK_DATA_DIR (confirmation mail is read there)")
    parser.add_argument("--sid", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--service-token", required=True)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--signup-every", type=float, default=4.0, help="seconds between one client's sign-ups")
    parser.add_argument("--json", help="write the summary here too")
    args = parser.parse_args()
    args.url = args.url.rstrip("/")

    tally = Tally()
    started = time.time()
    deadline = started + args.seconds
    threads = [threading.Thread(target=client, args=(i, args, tally, deadline), daemon=True) for i in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    summary = tally.summary(time.time() - started)
    summary["clients"] = args.clients
    text = json.dumps(summary, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n")
    return 1 if summary["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
