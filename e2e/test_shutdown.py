"""Stopping a node under traffic loses nothing (the "Nothing lost" promise, PT-4, DESIGN.md).

Each round starts `trustdesk serve` on the same data (SQLite file, or one PostgreSQL schema),
drives ticket creates, comments and SMS admissions at it from several clients, sends SIGTERM
while they run, and keeps sending until the process is gone. Then:
- the process exited 0 within the shutdown timeout, with no crash text in its log, and its port
  was free at once for the next round (no leftover child holding it);
- every request was either answered (never a 5xx) or refused by the closed socket;
- after all rounds, the account's `used_in_window` equals the SMS admitted (no stranded
  quota: leases were returned), and every admitted message SID is known to
  /v1/MessageOutcomes (the admission journal was written before the database closed).

Needs TRUSTDESK_BIN (the server binary); TRUSTDESK_E2E_PG_URL (a PostgreSQL database URL) adds
the PostgreSQL run. `.ci/run` runs it in the `shutdown` step.
"""
from __future__ import annotations

import base64
import datetime as dt
import os
import secrets
import signal
import socket
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

import helpers

pytestmark = pytest.mark.lifecycle

ROUNDS = int(os.environ.get("TRUSTDESK_SHUTDOWN_ROUNDS", "3"))
CLIENTS = 6
CRASH_TEXT = ("Fatal error", "Backtrace", "Crash", "Unexpectedly found nil", "ConnectionPoolError")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def binary() -> str:
    path = os.environ.get("TRUSTDESK_BIN", "")
    assert path and Path(path).is_file(), "TRUSTDESK_BIN must name the trustdesk binary (bash .ci/run shutdown sets it)"
    return path


@dataclass
class Traffic:
    """What the clients saw while a node was stopped under them."""
    answered: int = 0
    refused_by_socket: int = 0
    server_errors: list[str] = field(default_factory=list)
    admitted: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Node:
    def __init__(self, tmp: Path, env: dict[str, str], port: int) -> None:
        self.tmp, self.env, self.port = tmp, env, port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = tmp / f"server-{port}-{time.time_ns()}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [binary(), "serve", "--demo", "--hostname", "127.0.0.1", "--port", str(self.port)],
            env={**os.environ, **self.env, "TRUSTDESK_PUBLIC_URL": self.url, "SWIFT_BACKTRACE": "enable=no"},
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, cwd=Path(__file__).resolve().parents[1])
        deadline = time.time() + 120
        while time.time() < deadline:
            assert self.process.poll() is None, f"server exited at start:\n{self.log()[-3000:]}"
            try:
                if requests.get(self.url + "/readyz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise AssertionError(f"server not ready in 120 s:\n{self.log()[-3000:]}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def drive(node: Node, sid: str, token: str, service_token: str, traffic: Traffic, stop: threading.Event, worker: int) -> None:
    api = requests.Session()
    api.headers["Authorization"] = "Basic " + base64.b64encode(f"{sid}:{token}".encode()).decode()
    service = requests.Session()
    service.headers["Authorization"] = f"Bearer {service_token}"
    n = 0
    while not stop.is_set():
        n += 1
        message = f"SM{secrets.token_hex(16)}"
        calls = [
            ("admission", lambda: service.post(f"{node.url}/v1/Admissions", json={"account_sid": sid, "channel": "sms", "message_sid": message}, timeout=30)),
            ("ticket", lambda: api.post(f"{node.url}/v1/Tickets", timeout=30, json={
                "subject": f"shutdown {worker}-{n}", "description": "Messages are delayed.", "product": "messaging",
                "priority": 3, "sids": [f"SM{secrets.token_hex(16)}", f"SM{secrets.token_hex(16)}"],
                "oldest_example_at": (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "direction": "outbound"})),
        ]
        for name, call in calls:
            try:
                r = call()
            except requests.ConnectionError:
                with traffic.lock:
                    traffic.refused_by_socket += 1
                continue
            with traffic.lock:
                if r.status_code >= 500:
                    traffic.server_errors.append(f"{name}: {r.status_code} {r.text[:300]}")
                    continue
                traffic.answered += 1
                if name == "admission" and r.status_code == 200 and r.json().get("admitted"):
                    traffic.admitted.add(message)
                if name == "ticket" and r.status_code == 201:
                    number = r.json()["number"]
                    try:
                        c = api.post(f"{node.url}/v1/Tickets/{number}/Comments", json={"body": "more"}, timeout=30)
                        if c.status_code >= 500:
                            traffic.server_errors.append(f"comment: {c.status_code} {c.text[:300]}")
                    except requests.ConnectionError:
                        traffic.refused_by_socket += 1


def used_in_window(node: Node, sid: str, token: str) -> int:
    r = requests.get(f"{node.url}/v1/Accounts/{sid}/MessagingLimits", auth=(sid, token), timeout=30)
    assert r.status_code == 200, r.text
    return int(r.json()["used_in_window"])


def stop_rounds(tmp: Path, env: dict[str, str]) -> None:
    service_token = "shutdown-" + secrets.token_hex(12)
    env = {**env, "TRUSTDESK_SERVICE_TOKEN": service_token, "TRUSTDESK_SHUTDOWN_TIMEOUT": "10", "LOG_LEVEL": "info"}
    port = free_port()
    first = Node(tmp, env, port)
    first.start()
    sid, token = helpers.parse_demo_credentials(first.log())
    before = used_in_window(first, sid, token)
    first.process.send_signal(signal.SIGTERM)
    assert first.process.wait(timeout=30) == 0, first.log()[-3000:]

    traffic = Traffic()
    for round_number in range(ROUNDS):
        node = Node(tmp, env, port)  # the same port: a clean stop frees it at once
        node.start()
        stop = threading.Event()
        workers = [threading.Thread(target=drive, args=(node, sid, token, service_token, traffic, stop, w), daemon=True)
                   for w in range(CLIENTS)]
        for w in workers:
            w.start()
        time.sleep(2.5)
        node.process.send_signal(signal.SIGTERM)
        started = time.time()
        try:
            code = node.process.wait(timeout=25)
        except subprocess.TimeoutExpired:
            node.process.kill()
            raise AssertionError(f"round {round_number}: still running 25 s after SIGTERM:\n{node.log()[-3000:]}")
        stop.set()
        for w in workers:
            w.join(timeout=60)
        log = node.log()
        assert code == 0, f"round {round_number}: exit {code} after SIGTERM:\n{log[-3000:]}"
        assert time.time() - started < 15, f"round {round_number}: took {time.time() - started:.1f} s to stop"
        for text in CRASH_TEXT:
            assert text not in log, f"round {round_number}: '{text}' in the log:\n{log[-3000:]}"

    assert not traffic.server_errors, f"{len(traffic.server_errors)} answers were 5xx: {traffic.server_errors[:5]}"
    assert traffic.answered > 50, f"too little traffic to judge: {traffic.answered} answers"

    last = Node(tmp, env, port)
    last.start()
    try:
        assert used_in_window(last, sid, token) == before + len(traffic.admitted), (
            f"used_in_window {used_in_window(last, sid, token)} != {before} before + {len(traffic.admitted)} admitted: "
            "quota stranded or admissions not counted")
        admitted = sorted(traffic.admitted)
        unknown = []
        for chunk in range(0, len(admitted), 1000):
            r = requests.post(f"{last.url}/v1/MessageOutcomes", headers={"Authorization": f"Bearer {service_token}"},
                              json={"outcomes": [{"message_sid": m, "status": "delivered"} for m in admitted[chunk:chunk + 1000]]},
                              timeout=60)
            assert r.status_code == 200, r.text
            unknown += [res.get("message_sid") for res in r.json()["results"] if not res["accepted"]]
        assert not unknown, f"{len(unknown)} of {len(admitted)} admitted SIDs were never journaled: {unknown[:5]}"
    finally:
        last.process.send_signal(signal.SIGTERM)
        assert last.process.wait(timeout=30) == 0, last.log()[-3000:]


def test_sigterm_under_load_sqlite(tmp_path: Path) -> None:
    stop_rounds(tmp_path, {"TRUSTDESK_DATA_DIR": str(tmp_path / "data")})


def test_sigterm_under_load_postgres(tmp_path: Path) -> None:
    url = os.environ.get("TRUSTDESK_E2E_PG_URL", "")
    assert url, "TRUSTDESK_E2E_PG_URL must name a PostgreSQL database (bash .ci/run shutdown sets it)"
    schema = "shutdown_" + uuid.uuid4().hex[:12]
    stop_rounds(tmp_path, {"TRUSTDESK_DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": url,
                           "TRUSTDESK_DATABASE_SCHEMA": schema, "TRUSTDESK_SECRET_KEY": "shutdown-secret-key-0123456789abcdef"})
