"""Ticket creates against one server at a fixed concurrency, with a cheap GET as the baseline.

One measurement is COUNT requests shared by CONCURRENCY worker threads, each on its own
keep-alive connection (`http.client`, standard library only, so RT's and TrustDesk's runs use the
same client). Every answer's status is kept: anything but 2xx counts as an error, and a create
that errs is not a create. Throughput is answered creates per wall-clock second of the whole
measurement; latencies are per request (p50, p95, p99).

    python bench/rt5/creates.py measure --server trustdesk --url URL --user SID --password TOKEN \\
        --create-path /v1/Tickets --create-json '{"subject": "..."}' --baseline-path /healthz \\
        --count 400 --concurrency 1,8 --out trustdesk.json
    python bench/rt5/creates.py report trustdesk.json rt5.json --label TEXT --out results.md

In `--create-json` the text `{n}` is replaced by the request's number (so subjects differ).
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

TIMEOUT_S = 60.0
SAMPLE_BYTES = 300
MAX_SAMPLES = 3


@dataclass
class Run:
    """One measured kind of request at one concurrency."""

    kind: str  # "create" or "baseline"
    concurrency: int
    count: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)  # the first few non-2xx answers

    @property
    def ok(self) -> int:
        return sum(n for status, n in self.statuses.items() if status.startswith("2"))

    @property
    def errors(self) -> int:
        return self.count - self.ok

    @property
    def per_second(self) -> float:
        return self.ok / self.seconds if self.seconds > 0 else 0.0

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile of the latencies in ms."""
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
        return ordered[rank - 1]


class Client:
    """One keep-alive connection per thread; reconnects when the server closed it."""

    def __init__(self, url: str, auth_header: str | None, extra_headers: dict[str, str]) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.prefix = parts.path.rstrip("/")
        self.auth_header = auth_header
        self.extra_headers = extra_headers
        self.local = threading.local()

    def connection(self) -> http.client.HTTPConnection:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT_S)
            self.local.conn = conn
        return conn

    def send(self, method: str, path: str, body: bytes | None) -> tuple[str, float, str]:
        """(status, latency in ms, the start of the answer's body when it is not 2xx); a transport
        failure is the status "error:<kind>"."""
        headers = {"Accept": "application/json", **self.extra_headers}
        if self.auth_header:
            headers["Authorization"] = self.auth_header
        if body is not None:
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            conn = self.connection()
            started = time.perf_counter()
            try:
                conn.request(method, self.prefix + path, body=body, headers=headers)
                response = conn.getresponse()
                answer = response.read()
                elapsed = (time.perf_counter() - started) * 1000
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    self.local.conn = None
                sample = "" if 200 <= response.status < 300 else answer[:SAMPLE_BYTES].decode(errors="replace")
                return str(response.status), elapsed, sample
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as error:
                conn.close()
                self.local.conn = None
                # A kept-alive connection the server closed between requests: retry once on a
                # new one (the request was not processed). A second failure is an error.
                if attempt == 2:
                    return f"error:{type(error).__name__}", (time.perf_counter() - started) * 1000, str(error)
            except OSError as error:
                conn.close()
                self.local.conn = None
                return f"error:{type(error).__name__}", (time.perf_counter() - started) * 1000, str(error)
        return "error:unreachable", 0.0, ""


def measure(client: Client, kind: str, method: str, path: str, body_template: str | None,
            count: int, concurrency: int, first_number: int) -> Run:
    def one(n: int) -> tuple[str, float, str]:
        body = body_template.replace("{n}", str(n)).encode() if body_template is not None else None
        return client.send(method, path, body)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(one, range(first_number, first_number + count)))
    seconds = time.perf_counter() - started
    run = Run(kind=kind, concurrency=concurrency, count=count, seconds=seconds)
    for status, latency, sample in results:
        run.statuses[status] = run.statuses.get(status, 0) + 1
        run.latencies_ms.append(latency)
        if not status.startswith("2") and len(run.error_samples) < MAX_SAMPLES:
            run.error_samples.append(f"{status}: {' '.join(sample.split())}")
    return run


def command_measure(args: argparse.Namespace) -> int:
    auth = None
    if args.user is not None:
        auth = "Basic " + base64.b64encode(f"{args.user}:{args.password or ''}".encode()).decode()
    elif args.token is not None:
        auth = f"token {args.token}"
    extra = dict(h.split(":", 1) for h in args.header)
    client = Client(args.url, auth, {name.strip(): value.strip() for name, value in extra.items()})
    json.loads(args.create_json.replace("{n}", "0"))  # fail early on a malformed template
    runs: list[Run] = []
    number = 0
    created = 0  # creates answered 2xx, warm-up included (RT5's mails are checked against it)
    # Warm-up (not recorded): connections, caches, first-use code paths on both kinds.
    for kind, method, path, body in (("baseline", "GET", args.baseline_path, None),
                                     ("create", "POST", args.create_path, args.create_json)):
        warm = measure(client, kind, method, path, body, args.warmup, 1, number)
        number += args.warmup
        created += warm.ok if kind == "create" else 0
        bad = {s: n for s, n in warm.statuses.items() if not s.startswith("2")}
        if bad:
            print(f"{args.server}: warm-up {kind} {method} {path} answered {bad}: {warm.error_samples}", file=sys.stderr)
            return 1
    for concurrency in (int(c) for c in args.concurrency.split(",")):
        for kind, method, path, body in (("baseline", "GET", args.baseline_path, None),
                                         ("create", "POST", args.create_path, args.create_json)):
            run = measure(client, kind, method, path, body, args.count, concurrency, number)
            number += args.count
            created += run.ok if kind == "create" else 0
            runs.append(run)
            print(f"{args.server}: {kind:8} c={concurrency}: {run.per_second:8.1f}/s, p50 {run.percentile(50):7.1f} ms, "
                  f"p95 {run.percentile(95):7.1f} ms, p99 {run.percentile(99):7.1f} ms, "
                  f"errors {run.errors} {sorted(run.statuses.items())}", flush=True)
            for sample in run.error_samples:
                print(f"{args.server}:   {sample}", flush=True)
    Path(args.out).write_text(json.dumps({
        "server": args.server, "label": args.server_label or args.server, "created": created,
        "runs": [asdict(r) for r in runs],
    }, indent=1))
    return 0


def load(path: str) -> tuple[str, str, list[Run]]:
    data = json.loads(Path(path).read_text())
    return data["server"], data["label"], [Run(**r) for r in data["runs"]]


def command_report(args: argparse.Namespace) -> int:
    servers = [load(p) for p in args.results]
    lines = [f"#### {args.label}", "",
             "| server | request | clients | requests | errors | per second | p50 ms | p95 ms | p99 ms |",
             "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for _, label, runs in servers:
        for run in runs:
            name = "create" if run.kind == "create" else "baseline GET"
            lines.append(f"| {label} | {name} | {run.concurrency} | {run.count} | {run.errors} | {run.per_second:,.1f} | "
                         f"{run.percentile(50):.1f} | {run.percentile(95):.1f} | {run.percentile(99):.1f} |")
    def pick(runs: list[Run], kind: str, c: int) -> Run | None:
        return next((r for r in runs if r.kind == kind and r.concurrency == c), None)

    shortfalls: list[str] = []
    ours = [(label, runs) for name, label, runs in servers if name == "trustdesk"]
    theirs = [(label, runs) for name, label, runs in servers if name == "rt5"]
    if ours and theirs:
        lines += ["", "| TrustDesk | RT5 | clients | TrustDesk creates/s | RT5 creates/s | TrustDesk / RT5 | "
                      "TrustDesk create / its baseline | RT5 create / its baseline |",
                  "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for td_label, td_runs in ours:
            for rt_label, rt_runs in theirs:
                for c in sorted({r.concurrency for r in td_runs}):
                    td, rt = pick(td_runs, "create", c), pick(rt_runs, "create", c)
                    td_base, rt_base = pick(td_runs, "baseline", c), pick(rt_runs, "baseline", c)
                    if not (td and rt and td_base and rt_base):
                        continue
                    ratio = f"{td.per_second / rt.per_second:.1f}x" if rt.per_second else "n/a"
                    if args.min_ratio and c == args.goal_clients and td.per_second < args.min_ratio * rt.per_second:
                        shortfalls.append(f"{td_label} at {c} clients is {ratio} {rt_label}, under the goal of {args.min_ratio:g}x")
                    lines.append(f"| {td_label} | {rt_label} | {c} | {td.per_second:,.1f} | {rt.per_second:,.1f} | {ratio} | "
                                 f"{100 * td.per_second / td_base.per_second:.1f} % | "
                                 f"{100 * rt.per_second / rt_base.per_second:.1f} % |")
    samples = [f"- {label}, {r.kind} at {r.concurrency} clients: {sample}"
               for _, label, runs in servers for r in runs for sample in r.error_samples]
    if samples:
        lines += ["", "Non-2xx answers (the first few of each row):", "", *samples]
    text = "\n".join(lines) + "\n"
    Path(args.out).write_text(text)
    print(text)
    # TrustDesk's errors fail the run; RT5's are its own result (counted in its row).
    errors = sum(r.errors for name, _, runs in servers if name == "trustdesk" for r in runs)
    for shortfall in shortfalls:
        print(shortfall, file=sys.stderr)
    return 1 if (errors and args.fail_on_errors) or shortfalls else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    m = sub.add_parser("measure")
    m.add_argument("--server", required=True, help="short name: trustdesk or rt5")
    m.add_argument("--server-label", help="the name in the table (default: --server)")
    m.add_argument("--url", required=True)
    m.add_argument("--user")
    m.add_argument("--password")
    m.add_argument("--token", help="an RT auth token (Authorization: token ...)")
    m.add_argument("--header", action="append", default=[],
                   help="'Name: value' sent with every request (RT's session cookie and Referer)")
    m.add_argument("--create-path", required=True)
    m.add_argument("--create-json", required=True)
    m.add_argument("--baseline-path", required=True)
    m.add_argument("--count", type=int, default=400)
    m.add_argument("--warmup", type=int, default=10)
    m.add_argument("--concurrency", default="1,8")
    m.add_argument("--out", required=True)
    r = sub.add_parser("report")
    r.add_argument("results", nargs="+")
    r.add_argument("--label", required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--fail-on-errors", action="store_true", help="exit 1 when TrustDesk answered any non-2xx")
    r.add_argument("--min-ratio", type=float, default=0.0,
                   help="fail unless each TrustDesk does at least this many times each RT5's creates/s at --goal-clients")
    r.add_argument("--goal-clients", type=int, default=8)
    args = parser.parse_args()
    return command_measure(args) if args.command == "measure" else command_report(args)


if __name__ == "__main__":
    sys.exit(main())
