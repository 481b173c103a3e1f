#!/usr/bin/env python3
"""Recovery-form timing benchmark (ACC-5, ACC-6): do /password/forgot and /username/forgot take
as long for an address that has a login as for one that has none?

Starts its own server (`trustdesk serve --demo`, SQLite in a fresh temporary folder, or the
PostgreSQL database in DATABASE_URL), signs up known users over HTTP, then times the POST of
each form, alternating known and unknown addresses in random order, and prints medians, the
90th percentile and the ratio known/unknown (the baseline is the unknown-address answer from
the same run). Results go to docs/performance.md. Never part of CI: timings are not asserted.

    python3 bench/recovery.py [--users 40] [--port 18290] [--binary .build/release/trustdesk]

Each address may be used 3 times an hour and each client address 20 times (SEC-2), so the
script cycles through users and through source addresses 127.0.0.2 ... on the loopback
network (Linux routes all of 127.0.0.0/8 to the loopback interface).
"""

from __future__ import annotations

import argparse
import email
import email.policy
import http.client
import os
import quopri
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
TOKEN_RE = re.compile(r'name="token" value="([^"]+)"')


class Client:
    """One client address: its own connection, CSRF cookie and request budget."""

    def __init__(self, port: int, address: str) -> None:
        self.port = port
        self.address = address
        self.cookies: dict[str, str] = {}
        self.used = 0
        self.connection = http.client.HTTPConnection("127.0.0.1", port, source_address=(address, 0), timeout=30)

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str, float]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        elapsed = time.perf_counter() - started
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text, elapsed

    def csrf(self, path: str) -> str:
        status, text, _ = self.request("GET", path)
        assert status == 200, f"GET {path} -> {status}"
        match = CSRF_RE.search(text)
        assert match, f"no csrf_token on {path}"
        return match.group(1)


class Clients:
    """Hands out a fresh client address before any reaches the per-address limit (20 an hour)."""

    def __init__(self, port: int, per_client: int = 15) -> None:
        self.port = port
        self.per_client = per_client
        self.next = 2
        self.current: Client | None = None

    def get(self) -> Client:
        if self.current is None or self.current.used >= self.per_client:
            self.current = Client(self.port, f"127.0.{self.next // 250}.{self.next % 250 + 2}")
            self.next += 1
        self.current.used += 1
        return self.current


def mail_link(data_dir: Path, to: str, path: str, timeout: float = 30) -> str:
    deadline = time.time() + timeout
    pattern = re.compile(re.escape(path) + r"\?token=([A-Za-z0-9_]+)")
    while time.time() < deadline:
        for file in sorted((data_dir / "mail").glob("*.eml")):
            message = email.message_from_bytes(file.read_bytes(), policy=email.policy.default)
            if to not in str(message["To"]):
                continue
            body = message.get_body(preferencelist=("plain",))
            text = body.get_content() if body is not None else ""
            text = quopri.decodestring(text.encode()).decode("utf-8", "replace") if "=3D" in text else text
            match = pattern.search(text)
            if match:
                return match.group(1)
        time.sleep(0.2)
    raise SystemExit(f"no mail with {path} for {to} within {timeout} s")


def sign_up(clients: Clients, data_dir: Path, count: int) -> list[str]:
    emails = []
    for index in range(count):
        name = f"bench{index}{secrets.token_hex(3)}"
        address = f"{name}@example.com"
        client = clients.get()
        token = client.csrf("/signup")
        status, text, _ = client.request("POST", "/signup", {
            "csrf_token": token, "full_name": f"Bench User {index}", "email": address, "username": name,
            "password": "quiet-lantern-" + secrets.token_hex(4), "account_name": f"Bench Org {index}", "country": "US", "phone": "+1 555 010 0142",
        })
        assert status == 200 and 'id="signup-sent"' in text, f"sign-up -> {status}: {text[:500]}"
        link = mail_link(data_dir, address, "/signup/confirm")
        client = clients.get()
        status, text, _ = client.request("GET", f"/signup/confirm?token={link}")
        confirm_csrf, confirm_token = CSRF_RE.search(text), TOKEN_RE.search(text)
        assert status == 200 and confirm_csrf and confirm_token, f"confirm page -> {status}"
        status, text, _ = client.request("POST", "/signup/confirm", {"csrf_token": confirm_csrf.group(1), "token": confirm_token.group(1)})
        assert status == 200 and 'id="account-created"' in text, f"confirm -> {status}: {text[:500]}"
        emails.append(address)
    return emails


def timed(clients: Clients, path: str, address: str) -> float:
    client = clients.get()
    token = client.csrf(path)
    status, text, elapsed = client.request("POST", path, {"csrf_token": token, "email": address})
    assert status == 200, f"POST {path} for {address} -> {status}: {text[:300]}"
    return elapsed * 1000


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return f"n={len(ordered):3d} median {statistics.median(ordered):6.2f} ms  p90 {p90:6.2f} ms  mean {statistics.fmean(ordered):6.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=40, help="known users to sign up (each gives 3 samples per form)")
    parser.add_argument("--port", type=int, default=18290)
    parser.add_argument("--binary", default=None, help="server binary (default .build/release/trustdesk, else .build/debug/trustdesk)")
    parser.add_argument("--seed", type=int, default=20260302)
    args = parser.parse_args()
    binary = Path(args.binary) if args.binary else next((ROOT / p for p in (".build/release/trustdesk", ".build/debug/trustdesk") if (ROOT / p).exists()), None)
    if binary is None or not binary.exists():
        raise SystemExit("build the server first: swift build -c release --product trustdesk")

    data_dir = Path(tempfile.mkdtemp(prefix="trustdesk-bench-recovery."))
    env = {**os.environ, "TRUSTDESK_DATA_DIR": str(data_dir), "TRUSTDESK_DATABASE_SCHEMA": f"bench_recovery_{int(time.time())}", "LOG_LEVEL": "warning"}
    log = open(data_dir / "server.log", "w")
    server = subprocess.Popen([str(binary), "serve", "--demo", "--hostname", "127.0.0.1", "--port", str(args.port)],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.time() + 120
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
                connection.request("GET", "/readyz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline or server.poll() is not None:
                raise SystemExit(f"server did not start; see {data_dir / 'server.log'}")
            time.sleep(0.5)

        print(f"binary {binary}, database {'PostgreSQL' if os.environ.get('DATABASE_URL') else 'SQLite'}, data {data_dir}")
        clients = Clients(args.port)
        known = sign_up(clients, data_dir, args.users)
        rng = random.Random(args.seed)
        results: dict[tuple[str, str], list[float]] = {}
        # Warm-up: the first requests of a fresh server pay for caches and connections.
        for _ in range(10):
            timed(clients, "/password/forgot", f"warmup{secrets.token_hex(4)}@example.com")
        for path in ("/password/forgot", "/username/forgot"):
            # Each known address 3 times (the per-address limit), each paired with an unknown one
            # that is also used 3 times, so both kinds meet the same throttle history.
            unknown = [f"nobody{secrets.token_hex(5)}@example.com" for _ in known]
            rounds = [(k, u) for k, u in zip(known, unknown) for _ in range(3)]
            rng.shuffle(rounds)
            for known_address, unknown_address in rounds:
                pair = [("known", known_address), ("unknown", unknown_address)]
                rng.shuffle(pair)
                for kind, target in pair:
                    results.setdefault((path, kind), []).append(timed(clients, path, target))
            if path == "/password/forgot":
                # Both forms count against one limit per address (3 an hour): new users for the next.
                known = sign_up(clients, data_dir, args.users)
        print()
        for path in ("/password/forgot", "/username/forgot"):
            k, u = results[(path, "known")], results[(path, "unknown")]
            print(f"{path}")
            print(f"  known address    {summary(k)}")
            print(f"  unknown address  {summary(u)}")
            print(f"  known/unknown    median ratio {statistics.median(k) / statistics.median(u):.3f}, mean ratio {statistics.fmean(k) / statistics.fmean(u):.3f}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
        shutil.rmtree(data_dir, ignore_errors=True)
        if os.environ.get("DATABASE_URL"):
            print(f"done; DROP SCHEMA {env['TRUSTDESK_DATABASE_SCHEMA']} CASCADE when finished")


if __name__ == "__main__":
    sys.exit(main())
