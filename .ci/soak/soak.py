#!/usr/bin/env python3
"""kill -9 soak: three `trustdesk serve` nodes on one PostgreSQL schema and one SQLite node, a
mixed load of writes, and a chaos loop that SIGKILLs a random node every 20-40 s and restarts
it. Everything the client was answered 2xx for is logged (IDs), the job leases and quota
leases are sampled every second, every mail the nodes send is received by a local SMTP sink.
At the end the nodes stop cleanly and both databases are exported for `check.py`.

usage: soak.py --bin TRUSTDESK --pg-url postgres://.../db --minutes 3 --out DIR [--seed N] [--port-base P]

Ports: the SMTP sink and the four nodes take the first free ports from --port-base (default
18300) on.

Loopback only: every server, the SMTP sink and every request are on 127.0.0.1. Bounded: the
chaos loop stops after --minutes (and at most minutes * 3 + 1 kills), the load stops with it,
the settling phase is bounded, and every request has a timeout.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import secrets
import signal
import socket
import socketserver
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "e2e"))
import helpers  # noqa: E402  (the e2e suite's readiness wait and parser of the --demo banner)
SERVICE_TOKEN = "soak-service-" + secrets.token_hex(12)
SECRET_KEY = "soak-secret-key-0123456789abcdef0123"
CAP = 10_000
CRASH_TEXT = ("Fatal error", "Backtrace", "Unexpectedly found nil")


def free_port(start: int, span: int = 20) -> int:
    for port in range(start, start + span):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError(f"no free port from {start}")


def now() -> float:
    return time.time()


class Log:
    """Append-only JSON lines, one file per kind of record, safe across threads."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.lock = threading.Lock()
        self.files: dict[str, object] = {}

    def write(self, name: str, record: dict) -> None:
        line = json.dumps(record, separators=(",", ":"))
        with self.lock:
            f = self.files.get(name)
            if f is None:
                f = open(self.out / f"{name}.jsonl", "a")
                self.files[name] = f
            f.write(line + "\n")
            f.flush()

    def close(self) -> None:
        with self.lock:
            for f in self.files.values():
                f.close()


# ---------------------------------------------------------------------------------------------
# SMTP sink: every message the nodes deliver, with its Message-ID.

class SMTPHandler(socketserver.StreamRequestHandler):
    def reply(self, text: str) -> None:
        self.wfile.write((text + "\r\n").encode())

    def handle(self) -> None:
        try:
            self.converse()
        except (ConnectionResetError, BrokenPipeError):
            pass  # a node killed while sending: its mail is sent again by the node that takes over

    def converse(self) -> None:
        self.reply("220 soak-sink ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode(errors="replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 soak-sink")
            elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 go ahead")
                data = []
                while True:
                    part = self.rfile.readline()
                    if not part or part in (b".\r\n", b".\n"):
                        break
                    data.append(part.decode(errors="replace"))
                text = "".join(data)
                found = re.search(r"^Message-ID:\s*(<[^>]+>)", text, re.M | re.I)
                subject = re.search(r"^Subject:\s*(.*)$", text, re.M)
                self.server.log.write("mail", {"t": now(), "message_id": found.group(1) if found else None,
                                               "subject": subject.group(1).strip() if subject else ""})
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


class SMTPSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, log: Log) -> None:
        super().__init__(("127.0.0.1", port), SMTPHandler)
        self.log = log


# ---------------------------------------------------------------------------------------------
# Nodes

class Node:
    def __init__(self, name: str, db: str, port: int, env: dict[str, str], out: Path) -> None:
        self.name, self.db, self.port, self.env, self.out = name, db, port, env, out
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None
        self.pids: list[int] = []
        self.lock = threading.Lock()
        self.starts = 0

    @property
    def log_path(self) -> Path:
        return self.out / f"{self.name}.log"

    def start(self, binary: str, demo: bool = True) -> None:
        self.starts += 1
        log = open(self.log_path, "ab")
        log.write(f"\n===== start {self.starts} at {now():.3f} =====\n".encode())
        log.flush()
        args = [binary, "serve", "--hostname", "127.0.0.1", "--port", str(self.port)] + (["--demo"] if demo else [])
        self.process = subprocess.Popen(args, env={**os.environ, **self.env, "TRUSTDESK_PUBLIC_URL": self.url, "SWIFT_BACKTRACE": "enable=no"},
                                        stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        self.pids.append(self.process.pid)
        helpers.wait_until_ready(self.url, self.process, lambda: self.log_path.read_text(errors="replace"))

    def kill(self) -> int:
        assert self.process is not None
        pid = self.process.pid
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        return pid

    def stop(self) -> int | None:
        if self.process is None or self.process.poll() is not None:
            return None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return -9


def run_command(binary: str, env: dict[str, str], *args: str) -> str:
    result = subprocess.run([binary, *args], env={**os.environ, **env}, cwd=ROOT, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"trustdesk {' '.join(args)} failed: {result.stdout}{result.stderr}")
    return result.stdout


def demo_credentials(node: Node) -> tuple[str, str]:
    return helpers.parse_demo_credentials(node.log_path.read_text(errors="replace"))


# ---------------------------------------------------------------------------------------------
# Databases: what the sampler and the export read

class Database:
    def __init__(self, name: str, pg_url: str | None = None, schema: str | None = None, sqlite_path: Path | None = None) -> None:
        self.name, self.pg_url, self.schema, self.sqlite_path = name, pg_url, schema, sqlite_path

    def query(self, sql: str) -> list[list[str]]:
        """Rows as lists of text (NULL as None). Short read-only statements."""
        if self.pg_url:
            result = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\x1f", "-v", "ON_ERROR_STOP=1", self.pg_url,
                                     "-c", f"SET search_path TO {self.schema}", "-c", sql],
                                    capture_output=True, text=True, timeout=60)
            if result.returncode != 0:
                raise RuntimeError(f"psql: {result.stderr}")
            rows = []
            for line in result.stdout.splitlines():
                if line == "SET":
                    continue
                rows.append([None if v == "" else v for v in line.split("\x1f")])
            return rows
        assert self.sqlite_path
        db = sqlite3.connect(f"file:{self.sqlite_path}?mode=ro", uri=True, timeout=10)
        try:
            return [[None if v is None else str(v) for v in row] for row in db.execute(sql).fetchall()]
        finally:
            db.close()

    def execute(self, sql: str) -> None:
        if self.pg_url:
            result = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", self.pg_url, "-c", f"SET search_path TO {self.schema}", "-c", sql],
                                    capture_output=True, text=True, timeout=60)
            if result.returncode != 0:
                raise RuntimeError(f"psql: {result.stderr}")
            return
        assert self.sqlite_path
        db = sqlite3.connect(self.sqlite_path, timeout=30)
        try:
            db.execute(sql)
            db.commit()
        finally:
            db.close()

    def epoch(self, column: str) -> str:
        """SQL for a timestamp column as seconds since 1970 (SQLite stores them as numbers)."""
        return f"extract(epoch from {column})" if self.pg_url else column


# ---------------------------------------------------------------------------------------------
# Load

class Soak:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.out = Path(args.out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.log = Log(self.out)
        self.random = random.Random(args.seed)
        self.stop_load = threading.Event()
        self.stop_sampling = threading.Event()
        self.nodes: list[Node] = []
        self.dbs: dict[str, Database] = {}
        self.creds: dict[str, tuple[str, str]] = {}
        self.capped: dict[str, list[str]] = {}
        self.lock = threading.Lock()
        self.tickets: dict[str, list[int]] = {}
        self.invoices: dict[str, list[str]] = {}
        self.unreported: dict[str, list[str]] = {}
        self.kill_counts: dict[str, int] = {}

    # -- setup ------------------------------------------------------------------------------

    def setup(self) -> None:
        args = self.args
        schema = "soak_" + secrets.token_hex(6)
        sink_port = free_port(args.port_base)
        self.sink = SMTPSink(sink_port, self.log)
        threading.Thread(target=self.sink.serve_forever, daemon=True).start()
        common = {"TRUSTDESK_SERVICE_TOKEN": SERVICE_TOKEN, "MAIL_TRANSPORT": "smtp", "SMTP_URL": f"smtp://127.0.0.1:{sink_port}",
                  "LOG_LEVEL": "notice", "TRUSTDESK_SHUTDOWN_TIMEOUT": "10"}
        pg_env = {**common, "DATABASE_URL": args.pg_url, "TRUSTDESK_DATABASE_SCHEMA": schema, "TRUSTDESK_SECRET_KEY": SECRET_KEY}
        port = sink_port
        for i in range(1, 4):
            port = free_port(port + 1)
            self.nodes.append(Node(f"pg{i}", "pg", port, {**pg_env, "TRUSTDESK_DATA_DIR": str(self.out / f"pg{i}-data")}, self.out))
        port = free_port(port + 1)
        sqlite_dir = self.out / "sqlite-data"
        self.nodes.append(Node("sqlite", "sqlite", port, {**common, "TRUSTDESK_DATA_DIR": str(sqlite_dir)}, self.out))
        self.dbs = {"pg": Database("pg", pg_url=args.pg_url, schema=schema),
                    "sqlite": Database("sqlite", sqlite_path=sqlite_dir / "trustdesk.sqlite")}

        first_pg, sqlite_node = self.nodes[0], self.nodes[3]
        first_pg.start(args.bin)
        sqlite_node.start(args.bin)
        self.creds = {"pg": demo_credentials(first_pg), "sqlite": demo_credentials(sqlite_node)}
        self.capped = {"pg": ["AC" + secrets.token_hex(16) for _ in range(2)], "sqlite": ["AC" + secrets.token_hex(16)]}
        for account in self.capped["pg"]:
            run_command(args.bin, self.nodes[0].env, "trust-set-limit", account, str(CAP), "--create")
        # SLA targets that fall due during the soak: first-response targets are an hour at least,
        # so the soak opens priority-1 tickets and moves their due times into the run (the only
        # thing it writes behind the API). The SQLite node is stopped for that write.
        self.sla_tickets = {db: [self.open_ticket(node, db, priority=1)["number"] for _ in range(4)]
                            for db, node in (("pg", first_pg), ("sqlite", sqlite_node))}
        assert sqlite_node.stop() == 0, "the SQLite node did not stop cleanly"
        run_command(args.bin, sqlite_node.env, "trust-set-limit", self.capped["sqlite"][0], str(CAP), "--create")
        self.started = now()
        duration = args.minutes * 60
        for db, numbers in self.sla_tickets.items():
            for index, number in enumerate(numbers):
                due = self.started + 15 + index * duration * 0.45 / len(numbers)
                value = f"to_timestamp({due})" if db == "pg" else f"{due}"
                self.dbs[db].execute(f"UPDATE ticket_sla_targets SET due_at = {value} WHERE ticket_number = {number} AND status = 'active'")
        sqlite_node.start(args.bin)
        for node in self.nodes[1:3]:
            node.start(args.bin)
        self.log.write("meta", {"t": now(), "started": self.started, "minutes": args.minutes, "cap": CAP, "schema": schema, "seed": args.seed,
                                "capped": self.capped, "sla_tickets": self.sla_tickets,
                                "nodes": {n.name: {"db": n.db, "port": n.port} for n in self.nodes}})

    def node_of(self, db: str) -> Node:
        return self.random.choice([n for n in self.nodes if n.db == db])

    # -- requests ---------------------------------------------------------------------------

    def call(self, session: requests.Session, node: Node, kind: str, method: str, path: str, **kwargs) -> requests.Response | None:
        """One request; a 5xx or a dropped connection is logged, never retried (writes are not
        idempotent)."""
        started = now()
        try:
            response = session.request(method, node.url + path, timeout=30, **kwargs)
        except requests.RequestException as error:
            self.log.write("errors", {"t": started, "end": now(), "node": node.name, "kind": kind, "error": type(error).__name__})
            return None
        if response.status_code >= 500:
            self.log.write("errors", {"t": started, "end": now(), "node": node.name, "kind": kind, "status": response.status_code,
                                      "body": response.text[:300]})
            return None
        if response.status_code >= 400:
            self.log.write("errors", {"t": started, "end": now(), "node": node.name, "kind": kind, "status": response.status_code,
                                      "body": response.text[:300]})
            return None
        return response

    def api(self, db: str) -> requests.Session:
        session = requests.Session()
        session.auth = self.creds[db]
        return session

    def service(self) -> requests.Session:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {SERVICE_TOKEN}"
        return session

    def open_ticket(self, node: Node, db: str, priority: int = 3, session: requests.Session | None = None) -> dict:
        token = uuid.uuid4().hex
        response = self.call(session or self.api(db), node, "ticket", "POST", "/v1/Tickets", json={
            "subject": f"soak {token}", "description": "Calls drop after a minute.", "product": "other", "priority": priority})
        if response is None:
            return {}
        number = response.json()["number"]
        self.log.write("writes", {"t": now(), "kind": "ticket", "db": db, "node": node.name, "number": number, "token": token})
        with self.lock:
            self.tickets.setdefault(db, []).append(number)
        return {"number": number}

    def writer(self, node: Node, index: int) -> None:
        """Tickets, comments, API keys, invoices and payments against one node, as fast as it
        answers, pausing after a dropped connection (the node is down)."""
        db = node.db
        api, service = self.api(db), self.service()
        account = self.creds[db][0]
        rng = random.Random(f"{self.args.seed}-{node.name}-{index}")
        while not self.stop_load.is_set():
            choice = rng.random()
            response = None
            if choice < 0.3:
                response = self.open_ticket(node, db, session=api) or None
            elif choice < 0.55:
                with self.lock:
                    numbers = list(self.tickets.get(db, []))
                if numbers:
                    token = uuid.uuid4().hex
                    number = rng.choice(numbers)
                    response = self.call(api, node, "comment", "POST", f"/v1/Tickets/{number}/Comments", json={"body": f"soak comment {token}"})
                    if response is not None:
                        self.log.write("writes", {"t": now(), "kind": "comment", "db": db, "node": node.name, "number": number, "token": token})
            elif choice < 0.7:
                token = uuid.uuid4().hex
                response = self.call(api, node, "key", "POST", f"/v1/Accounts/{account}/Keys", json={"friendly_name": f"soak {token}"})
                if response is not None:
                    self.log.write("writes", {"t": now(), "kind": "key", "db": db, "node": node.name, "sid": response.json()["sid"]})
            elif choice < 0.85:
                reference = "soak-" + uuid.uuid4().hex[:20]
                today = dt.datetime.now(dt.timezone.utc)
                response = self.call(service, node, "invoice", "POST", "/v1/Invoices", json={
                    "reference": reference, "account_sid": account, "bill_run": today.strftime("%Y-%m"), "amount_cents": 1000,
                    "due_date": (today + dt.timedelta(days=25)).strftime("%Y-%m-%d")})
                if response is not None:
                    self.log.write("writes", {"t": now(), "kind": "invoice", "db": db, "node": node.name, "reference": reference, "amount": 1000})
                    with self.lock:
                        self.invoices.setdefault(db, []).append(reference)
            else:
                with self.lock:
                    references = list(self.invoices.get(db, []))
                if references:
                    reference = rng.choice(references)
                    self.log.write("attempts", {"t": now(), "kind": "payment", "db": db, "reference": reference, "amount": 100})
                    response = self.call(service, node, "payment", "POST", "/v1/Payments", json={"invoice_reference": reference, "amount_cents": 100})
                    if response is not None:
                        self.log.write("writes", {"t": now(), "kind": "payment", "db": db, "node": node.name, "reference": reference, "amount": 100})
            if response is None:
                time.sleep(0.5 if not self.node_up(node) else 0.05)

    def node_up(self, node: Node) -> bool:
        return node.process is not None and node.process.poll() is None

    def admit(self, node: Node, db: str, account: str, count: int, session: requests.Session) -> int:
        items = [{"account_sid": account, "channel": "sms", "message_sid": "SM" + secrets.token_hex(16)} for _ in range(count)]
        response = self.call(session, node, "admission", "POST", "/v1/Admissions/Batch", json={"items": items})
        if response is None:
            return -1
        admitted, refused = [], 0
        for item, result in zip(items, response.json()["results"]):
            if result.get("admitted") is True:
                admitted.append(item["message_sid"])
            elif result.get("error_code") == 63038:
                refused += 1
            else:
                self.log.write("errors", {"t": now(), "node": node.name, "kind": "admission_item", "result": result})
        self.log.write("writes", {"t": now(), "kind": "admissions", "db": db, "node": node.name, "account": account,
                                  "messages": admitted, "refused": refused})
        with self.lock:
            self.unreported.setdefault(db, []).extend(admitted)
        return len(admitted)

    def admitter(self, db: str, account: str) -> None:
        """SMS admissions for one capped account, through every node of its database in turn,
        paced to reach the cap about two thirds into the run, then on at the same pace (refused)."""
        session = self.service()
        rate = CAP / (self.args.minutes * 60 * 0.65)
        batch = 20
        nodes = [n for n in self.nodes if n.db == db]
        turn = 0
        while not self.stop_load.is_set():
            node = nodes[turn % len(nodes)]
            turn += 1
            if self.node_up(node):
                self.admit(node, db, account, batch, session)
            time.sleep(batch / rate)

    def reporter(self, db: str) -> None:
        """Outcome reports for admitted messages: each must be known (the journal is durable)."""
        session = self.service()
        while not self.stop_load.is_set():
            time.sleep(0.5)
            self.report_outcomes(db, session)

    def report_outcomes(self, db: str, session: requests.Session) -> None:
        with self.lock:
            messages = self.unreported.get(db, [])[:500]
            self.unreported[db] = self.unreported.get(db, [])[len(messages):]
        if not messages:
            return
        node = self.node_of(db)
        body = {"outcomes": [{"message_sid": m, "status": "delivered"} for m in messages]}
        response = self.call(session, node, "outcomes", "POST", "/v1/MessageOutcomes", json=body)
        if response is None:
            with self.lock:
                self.unreported[db] = messages + self.unreported.get(db, [])
            return
        rejected = [r for r in response.json()["results"] if not r.get("accepted")]
        self.log.write("writes", {"t": now(), "kind": "outcomes", "db": db, "node": node.name, "reported": len(messages),
                                  "rejected": [{"message_sid": r.get("message_sid"), "error_code": r.get("error_code")} for r in rejected]})

    # -- chaos ------------------------------------------------------------------------------

    def chaos(self) -> None:
        duration = self.args.minutes * 60
        deadline = self.started + duration - 15
        kills = 0
        while kills < self.args.minutes * 3 + 1:
            wait = self.random.uniform(20, 40)
            if now() + wait > deadline:
                break
            if self.stop_load.wait(wait):
                break
            # A random node among those killed least so far: over four kills or more, every
            # node (the SQLite one too) dies at least once.
            fewest = min(self.kill_counts.get(n.name, 0) for n in self.nodes)
            node = self.random.choice([n for n in self.nodes if self.kill_counts.get(n.name, 0) == fewest])
            self.kill_counts[node.name] = self.kill_counts.get(node.name, 0) + 1
            with node.lock:
                killed_at = now()
                pid = node.kill()
                kills += 1
                record = {"t": killed_at, "node": node.name, "db": node.db, "pid": pid}
                if node.db == "sqlite":
                    record["integrity_check"] = self.integrity_check()
                node.start(self.args.bin)
                record["ready"] = now()
                record["new_pid"] = node.process.pid
                self.log.write("kills", record)
                print(f"[soak] kill -9 {node.name} (pid {pid}) at +{killed_at - self.started:.0f} s, ready again after {record['ready'] - killed_at:.1f} s", flush=True)

    def integrity_check(self) -> str:
        db = sqlite3.connect(self.dbs["sqlite"].sqlite_path, timeout=30)
        try:
            return ",".join(row[0] for row in db.execute("PRAGMA integrity_check").fetchall())
        finally:
            db.close()

    # -- sampling ---------------------------------------------------------------------------

    def sampler(self) -> None:
        """Every second: job leases (who holds each job, when it last ran) and quota leases by holder."""
        while not self.stop_sampling.wait(1.0):
            for name, db in self.dbs.items():
                try:
                    jobs = db.query(f"SELECT name, holder, {db.epoch('last_run_at')}, {db.epoch('expires_at')} FROM job_leases")
                    leases = db.query("SELECT holder, COUNT(*), SUM(granted), SUM(reserved) FROM trust_quota_leases GROUP BY holder")
                except Exception as error:  # the SQLite file may be mid-restart; try again next second
                    self.log.write("sample_errors", {"t": now(), "db": name, "error": str(error)[:200]})
                    continue
                self.log.write("samples", {"t": now(), "db": name,
                                           "jobs": [{"name": j[0], "holder": j[1], "last_run": float(j[2]) if j[2] else None,
                                                     "expires": float(j[3]) if j[3] else None} for j in jobs],
                                           "leases": [{"holder": l[0], "count": int(l[1]), "granted": int(l[2] or 0), "reserved": int(l[3] or 0)} for l in leases]})

    # -- the run ----------------------------------------------------------------------------

    def run(self) -> int:
        self.setup()
        print(f"[soak] 4 nodes up; soaking {self.args.minutes} min", flush=True)
        threads = [threading.Thread(target=self.sampler, daemon=True)]
        workers = [threading.Thread(target=self.writer, args=(node, index), daemon=True) for node in self.nodes for index in range(2)]
        workers += [threading.Thread(target=self.admitter, args=(db, account), daemon=True) for db, accounts in self.capped.items() for account in accounts]
        workers += [threading.Thread(target=self.reporter, args=(db,), daemon=True) for db in self.dbs]
        chaos = threading.Thread(target=self.chaos, daemon=True)
        for thread in threads + workers + [chaos]:
            thread.start()
        time.sleep(max(0.0, self.started + self.args.minutes * 60 - now()))
        self.stop_load.set()
        chaos.join(timeout=180)
        for thread in workers:
            thread.join(timeout=60)
        print(f"[soak] load stopped at +{now() - self.started:.0f} s; settling", flush=True)
        self.settle()
        self.top_up()
        for db in self.dbs:
            session = self.service()
            for _ in range(20):
                self.report_outcomes(db, session)
        self.stop_sampling.set()
        exits = {node.name: node.stop() for node in self.nodes}
        self.log.write("exits", {"t": now(), "codes": exits,
                                 "crash_text": {n.name: [c for c in CRASH_TEXT if c in n.log_path.read_text(errors="replace")] for n in self.nodes}})
        self.export()
        self.log.close()
        self.sink.shutdown()
        print(f"[soak] done in {now() - self.started:.0f} s; run directory {self.out}", flush=True)
        return 0

    def settle(self) -> None:
        """Wait (bounded) until the leases of killed nodes are reclaimed and the outbox is empty."""
        deadline = now() + 150
        while now() < deadline:
            pending = 0
            for db in self.dbs.values():
                live = {str(n.process.pid) for n in self.nodes if n.db == db.name and n.process}
                holders = [row[0] for row in db.query("SELECT DISTINCT holder FROM trust_quota_leases")]
                pending += sum(1 for h in holders if not any(f"-{pid}-" in h for pid in live))
                pending += int(db.query("SELECT COUNT(*) FROM outbox_messages WHERE delivered_at IS NULL")[0][0])
            if pending == 0:
                break
            time.sleep(1)
        self.log.write("settle", {"t": now(), "settled": now() < deadline})

    def top_up(self) -> None:
        """After the reclaim: ask for every capped account's remaining quota until refused."""
        session = self.service()
        for db, accounts in self.capped.items():
            for account in accounts:
                for _ in range(100):
                    if self.admit(self.node_of(db), db, account, 200, session) == 0:
                        break

    def export(self) -> None:
        for name, db in self.dbs.items():
            capped = ",".join(f"'{a}'" for a in self.capped[name])
            sla = ",".join(str(n) for n in self.sla_tickets[name]) or "0"
            snapshot = {
                "tickets": db.query("SELECT number, subject FROM tickets WHERE subject LIKE 'soak %'"),
                "comments": db.query("SELECT ticket_number, body FROM ticket_comments WHERE body LIKE 'soak comment %'"),
                "keys": db.query("SELECT sid, friendly_name FROM api_keys WHERE friendly_name LIKE 'soak %'"),
                "invoices": db.query("SELECT reference, amount_cents, paid_cents FROM invoices WHERE reference LIKE 'soak-%'"),
                "admitted": db.query(f"SELECT message_sid, account_sid, {db.epoch('admitted_at')}, outcome FROM trust_admitted_messages WHERE account_sid IN ({capped})"),
                "granted": db.query(f"SELECT account_sid, SUM(granted) FROM trust_quota_buckets WHERE account_sid IN ({capped}) GROUP BY account_sid"),
                "leases": db.query("SELECT holder, account_sid, granted, reserved FROM trust_quota_leases"),
                "outbox": db.query(f"SELECT id, kind, subject, recipient, {db.epoch('delivered_at')}, attempts FROM outbox_messages"),
                "sla_targets": db.query(f"SELECT ticket_number, metric, status, {db.epoch('due_at')}, {db.epoch('ended_at')} FROM ticket_sla_targets WHERE ticket_number IN ({sla})"),
                "sla_events": db.query(f"SELECT ticket_number, detail FROM ticket_events WHERE action = 'sla_breached' AND ticket_number IN ({sla})"),
                "sla_alerts": db.query(f"SELECT ticket_number, user_sid, message FROM support_alerts WHERE ticket_number IN ({sla})"),
                "jobs": db.query(f"SELECT name, {db.epoch('last_run_at')} FROM job_leases"),
            }
            if name == "sqlite":
                snapshot["integrity_check"] = self.integrity_check()
            (self.out / f"snapshot-{name}.json").write_text(json.dumps(snapshot))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True)
    parser.add_argument("--pg-url", required=True)
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--port-base", type=int, default=int(os.environ.get("SOAK_PORT_BASE", "18300")))
    args = parser.parse_args()
    soak = Soak(args)
    try:
        return soak.run()
    finally:
        for node in soak.nodes:
            if node.process is not None and node.process.poll() is None:
                node.process.kill()


if __name__ == "__main__":
    sys.exit(main())
