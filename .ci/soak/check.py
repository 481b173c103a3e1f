#!/usr/bin/env python3
"""Checks a kill -9 soak run (the directory `soak.py` wrote) and prints what it found.

usage: check.py RUN_DIR        exit 0 when every check holds, 1 otherwise

Checks (issue 15; rules in shared/DOMAIN.md):
- every write answered 2xx exists exactly once: tickets and comments (by the unique text the
  client sent), API keys, invoices, admitted message SIDs; payments: each invoice's paid amount
  lies between the payments answered 2xx and all payments attempted;
- PT-4: no capped account admitted more than its cap in any rolling 24 h, and at least 95 % of
  it reached; the ledger never counts fewer than were admitted; no quota lease is left;
- every outbox mail delivered at least once by its stable Message-ID (duplicates counted);
- every job whose lease a killed node held ran again within its lease TTL plus one interval;
  frequent jobs never paused longer than that;
- SUP-8: each SLA breach alerted once (one history event, one alert and one mail per person);
  every target due long enough before the end was breached;
- SQLite `PRAGMA integrity_check` is `ok` after every kill and at the end;
- no 5xx and no refused request, except dropped connections to a node while it was killed;
- PT-7: every admitted SID reported as an outcome was known (the journal is durable);
- every node stopped cleanly at the end (exit 0, no crash text).
"""
from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

# name: interval in seconds (Configure.swift `scheduledJobs`); TTL = max(30, 3 intervals).
JOB_INTERVALS = {
    "outbox_delivery": 1, "trust_status_callbacks": 5, "support_sla_breach": 60, "support_pending_follow_up": 600,
    "purge_expired": 3600, "support_auto_close": 3600, "trust_daily_scores": 3600, "standing_dormancy": 86400,
    "standing_non_payment": 86400,
}
SCHEDULER_SLACK = 5  # scheduler tick, sampling every second, a restart's start-up
DAY = 86_400


def ttl(job: str) -> float:
    return max(30, 3 * JOB_INTERVALS.get(job, 60))


def read_lines(run: Path, name: str) -> list[dict]:
    path = run / f"{name}.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def max_in_rolling_day(times: list[float]) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end in range(len(times)):
        while times[end] - times[start] >= DAY:
            start += 1
        best = max(best, end - start + 1)
    return best


class Checker:
    def __init__(self, run: Path) -> None:
        self.run = run
        self.failures: list[str] = []
        self.takeovers: dict[str, list[float]] = defaultdict(list)
        self.notes: list[str] = []
        meta = read_lines(run, "meta")
        if not meta:
            raise SystemExit(f"{run}: no meta.jsonl: not a soak run directory")
        self.meta = meta[0]
        self.writes = read_lines(run, "writes")
        self.attempts = read_lines(run, "attempts")
        self.errors = read_lines(run, "errors")
        self.kills = read_lines(run, "kills")
        self.samples = read_lines(run, "samples")
        self.mail = read_lines(run, "mail")
        exits = read_lines(run, "exits")
        self.exits = exits[0] if exits else {}
        self.snapshots = {db: json.loads((run / f"snapshot-{db}.json").read_text()) for db in ("pg", "sqlite")
                          if (run / f"snapshot-{db}.json").exists()}

    def fail(self, text: str) -> None:
        self.failures.append(text)

    def note(self, text: str) -> None:
        self.notes.append(text)

    def writes_of(self, kind: str, db: str) -> list[dict]:
        return [w for w in self.writes if w["kind"] == kind and w["db"] == db]

    # -------------------------------------------------------------------------------------------

    def check_writes(self) -> None:
        for db, snap in self.snapshots.items():
            subjects = Counter(row[1] for row in snap["tickets"])
            numbers = {row[1]: int(row[0]) for row in snap["tickets"]}
            tickets = self.writes_of("ticket", db)
            for w in tickets:
                subject = f"soak {w['token']}"
                if subjects[subject] != 1:
                    self.fail(f"{db}: ticket #{w['number']} answered 201 exists {subjects[subject]} times")
                elif numbers[subject] != w["number"]:
                    self.fail(f"{db}: ticket '{subject}' answered as #{w['number']} is stored as #{numbers[subject]}")
            bodies = Counter((int(row[0]), row[1]) for row in snap["comments"])
            comments = self.writes_of("comment", db)
            for w in comments:
                found = bodies[(w["number"], f"soak comment {w['token']}")]
                if found != 1:
                    self.fail(f"{db}: comment {w['token'][:8]} on #{w['number']} answered 201 exists {found} times")
            keys = Counter(row[0] for row in snap["keys"])
            for w in self.writes_of("key", db):
                if keys[w["sid"]] != 1:
                    self.fail(f"{db}: API key {w['sid']} answered 201 exists {keys[w['sid']]} times")
            invoices = {row[0]: (int(row[1]), int(row[2])) for row in snap["invoices"]}
            invoice_writes = self.writes_of("invoice", db)
            for w in invoice_writes:
                if w["reference"] not in invoices:
                    self.fail(f"{db}: invoice {w['reference']} answered 201 does not exist")
            paid_ok, paid_tried = defaultdict(int), defaultdict(int)
            for w in self.writes_of("payment", db):
                paid_ok[w["reference"]] += w["amount"]
            for a in self.attempts:
                if a["kind"] == "payment" and a["db"] == db:
                    paid_tried[a["reference"]] += a["amount"]
            for reference, (amount, paid) in invoices.items():
                low, high = min(amount, paid_ok[reference]), min(amount, max(paid_tried[reference], paid_ok[reference]))
                if not low <= paid <= high:
                    self.fail(f"{db}: invoice {reference} paid {paid}, but payments answered 2xx add up to {paid_ok[reference]} "
                              f"and all attempted to {paid_tried[reference]}")
            self.note(f"{db}: {len(tickets)} tickets, {len(comments)} comments, {len(self.writes_of('key', db))} API keys, "
                      f"{len(invoice_writes)} invoices, {len(self.writes_of('payment', db))} payments answered 2xx: each stored once")

    def check_admissions(self) -> None:
        cap = self.meta["cap"]
        for db, snap in self.snapshots.items():
            stored = {row[0]: (row[1], float(row[2])) for row in snap["admitted"]}
            granted = {row[0]: int(row[1]) for row in snap["granted"]}
            answered: dict[str, list[str]] = defaultdict(list)
            for w in self.writes_of("admissions", db):
                answered[w["account"]].extend(w["messages"])
            for account in self.meta["capped"][db]:
                messages = answered[account]
                duplicates = [m for m, n in Counter(messages).items() if n > 1]
                if duplicates:
                    self.fail(f"{db}: {account}: message SIDs answered admitted twice: {duplicates[:3]}")
                missing = [m for m in messages if m not in stored or stored[m][0] != account]
                if missing:
                    self.fail(f"{db}: {account}: {len(missing)} admissions answered 'admitted' are not in the journal, e.g. {missing[:3]}")
                times = [t for sid, (acc, t) in stored.items() if acc == account]
                peak = max_in_rolling_day(times)
                if peak > cap or len(set(messages)) > cap:
                    self.fail(f"{db}: {account}: {max(peak, len(set(messages)))} admitted in 24 h, over its cap of {cap} (PT-4)")
                if len(times) < cap * 95 // 100:
                    self.fail(f"{db}: {account}: only {len(times)} of {cap} admitted: less than 95 % of the cap reached")
                ledger = granted.get(account, 0)
                if ledger < len(times):
                    self.fail(f"{db}: {account}: the ledger counts {ledger} but {len(times)} were admitted (quota given back twice)")
                self.note(f"{db}: {account}: {len(times)} of {cap} admitted ({len(set(messages))} answered to the client), "
                          f"{ledger - len(times)} units stranded in the ledger after reclaim")
            if snap["leases"]:
                self.fail(f"{db}: {len(snap['leases'])} quota leases left after every node stopped: {snap['leases'][:3]}")
        for w in self.writes:
            if w["kind"] == "outcomes" and w["rejected"]:
                self.fail(f"{w['db']}: {len(w['rejected'])} outcome reports refused, e.g. {w['rejected'][:2]} (admitted SIDs lost from the journal)")
        reported = sum(w["reported"] for w in self.writes if w["kind"] == "outcomes")
        self.note(f"{reported} admitted SIDs reported as outcomes; refused: {sum(len(w['rejected']) for w in self.writes if w['kind'] == 'outcomes')}")

    def check_mail(self) -> None:
        received = Counter(m["message_id"] for m in self.mail)
        total, duplicates = 0, 0
        for db, snap in self.snapshots.items():
            for row in snap["outbox"]:
                total += 1
                message_id = f"<{row[0].lower()}@trustdesk>"
                if row[4] is None:
                    self.fail(f"{db}: outbox mail {row[0]} ({row[1]}) was never delivered")
                elif received[message_id] == 0:
                    self.fail(f"{db}: outbox mail {row[0]} ({row[1]}) marked delivered but never received")
                elif received[message_id] > 1:
                    duplicates += received[message_id] - 1
        self.note(f"mail: {total} outbox messages, all delivered; {duplicates} duplicate deliveries (same Message-ID, "
                  f"a node killed between sending and recording)")

    def check_jobs(self) -> None:
        end = max((s["t"] for s in self.samples), default=0)
        for db in self.snapshots:
            series = [s for s in self.samples if s["db"] == db]
            # A run is seen when its lease changes hands (the scheduler takes the lease, then
            # runs, then records `last_run_at` as the run's start) or when `last_run_at` moves.
            runs: dict[str, list[float]] = defaultdict(list)
            starts: dict[str, list[tuple[float, str]]] = defaultdict(list)
            for sample in series:
                for job in sample["jobs"]:
                    if job["last_run"] and (not runs[job["name"]] or runs[job["name"]][-1] != job["last_run"]):
                        runs[job["name"]].append(job["last_run"])
                    if job["holder"] and (not starts[job["name"]] or starts[job["name"]][-1][1] != job["holder"]):
                        starts[job["name"]].append((sample["t"], job["holder"]))
            for kill in (k for k in self.kills if k["db"] == db):
                before = [s for s in series if s["t"] <= kill["t"]]
                if not before:
                    continue
                for job in before[-1]["jobs"]:
                    if f"-{kill['pid']}-" not in (job["holder"] or ""):
                        continue
                    bound = kill["t"] + ttl(job["name"]) + JOB_INTERVALS.get(job["name"], 60) + SCHEDULER_SLACK
                    # The first run after the kill: recorded, or started by another holder (which
                    # may itself be killed before it records the run; that kill is judged too).
                    after = sorted([r for r in runs[job["name"]] if r > kill["t"]] +
                                   [t for t, holder in starts[job["name"]] if t > kill["t"] and f"-{kill['pid']}-" not in holder])
                    if after and after[0] <= bound:
                        self.takeovers[job["name"]].append(after[0] - kill["t"])
                    if after and after[0] > bound:
                        self.fail(f"{db}: job {job['name']} held by killed {kill['node']} ran again {after[0] - kill['t']:.0f} s after the kill, "
                                  f"beyond its lease TTL ({ttl(job['name']):.0f} s) and interval")
                    elif not after and end > bound:
                        self.fail(f"{db}: job {job['name']} held by killed {kill['node']} never ran again")
                    elif not after:
                        self.note(f"{db}: job {job['name']} held by killed {kill['node']}: next run not due within the soak")
            for name, delays in sorted(self.takeovers.items()):
                self.note(f"{db}: job {name} held by a killed node ran again {min(delays):.0f}-{max(delays):.0f} s after the kill "
                          f"({len(delays)} kills; allowed {ttl(name) + JOB_INTERVALS.get(name, 60) + SCHEDULER_SLACK:.0f} s)")
            self.takeovers = defaultdict(list)
            for name, times in runs.items():
                if JOB_INTERVALS.get(name, 3600) > 60:
                    continue
                allowed = ttl(name) + JOB_INTERVALS[name] + SCHEDULER_SLACK
                # A pause that spans a kill of this database's nodes is judged from the kill,
                # above: the killed holder's last recorded run may have started long before.
                kills = [k["t"] for k in self.kills if k["db"] == db]
                gaps = [b - a for a, b in zip(times, times[1:]) if not any(a <= k <= b for k in kills)]
                if gaps and max(gaps) > allowed:
                    self.fail(f"{db}: job {name} paused {max(gaps):.0f} s (allowed {allowed:.0f} s)")
                elif gaps:
                    self.note(f"{db}: job {name}: {len(times)} runs observed, longest pause {max(gaps):.0f} s (allowed {allowed:.0f} s)")

    def check_sla(self) -> None:
        end = max((s["t"] for s in self.samples), default=0)
        for db, snap in self.snapshots.items():
            events = Counter(int(row[0]) for row in snap["sla_events"])
            alerts = Counter((int(row[0]), row[1], row[2]) for row in snap["sla_alerts"])
            mails = Counter((row[2], row[3]) for row in snap["outbox"] if row[1] == "support_sla_breach")
            breached = 0
            for number, metric, status, due, ended in snap["sla_targets"]:
                number = int(number)
                if status == "breached":
                    breached += 1
                    if events[number] != 1:
                        self.fail(f"{db}: ticket #{number}'s SLA breach has {events[number]} history events, not 1")
                    mine = [key for key in alerts if key[0] == number]
                    if not mine:
                        self.fail(f"{db}: ticket #{number}'s SLA breach alerted nobody")
                    for key in mine:
                        if alerts[key] != 1:
                            self.fail(f"{db}: ticket #{number}'s SLA breach alerted {key[1]} {alerts[key]} times")
                    for (subject, recipient), count in mails.items():
                        if subject == f"[#{number}] SLA breached" and count != 1:
                            self.fail(f"{db}: ticket #{number}'s SLA breach mailed {recipient} {count} times")
                elif status == "active" and due and float(due) < end - ttl("support_sla_breach") - 60 - SCHEDULER_SLACK:
                    self.fail(f"{db}: ticket #{number}'s target was due {end - float(due):.0f} s before the end and is not breached")
            self.note(f"{db}: {breached} of {len(snap['sla_targets'])} soak SLA targets breached, each alerted once")

    def check_integrity(self) -> None:
        snap = self.snapshots.get("sqlite")
        if snap is not None and snap.get("integrity_check") != "ok":
            self.fail(f"sqlite: PRAGMA integrity_check at the end: {snap.get('integrity_check')}")
        for kill in self.kills:
            if kill["db"] == "sqlite" and kill.get("integrity_check") != "ok":
                self.fail(f"sqlite: PRAGMA integrity_check after the kill at {kill['t']:.0f}: {kill.get('integrity_check')}")
        self.note(f"sqlite: integrity_check ok at the end and after {sum(1 for k in self.kills if k['db'] == 'sqlite')} kills")

    def check_errors(self) -> None:
        dropped = 0
        for error in self.errors:
            if "status" in error or "result" in error:
                self.fail(f"{error['node']}: {error['kind']} answered {error.get('status', error.get('result'))}: {str(error.get('body', ''))[:200]}")
                continue
            during_kill = any(k["node"] == error["node"] and error["t"] <= k["ready"] + 1 and error.get("end", error["t"]) >= k["t"] - 1
                              for k in self.kills)
            if during_kill:
                dropped += 1
            else:
                self.fail(f"{error['node']}: {error['kind']} failed with {error['error']} while the node was not being killed")
        self.note(f"{len(self.kills)} kills ({', '.join(k['node'] for k in self.kills)}); {dropped} requests dropped by a killed node")

    def check_exits(self) -> None:
        for name, code in self.exits.get("codes", {}).items():
            if code != 0:
                self.fail(f"{name} exited {code} on SIGTERM at the end")
        for name, found in self.exits.get("crash_text", {}).items():
            if found:
                self.fail(f"{name}'s log has {found}")

    def check(self) -> bool:
        for step in (self.check_writes, self.check_admissions, self.check_mail, self.check_jobs, self.check_sla,
                     self.check_integrity, self.check_errors, self.check_exits):
            step()
        if not self.kills:
            self.fail("no node was killed: the soak did not exercise anything")
        return not self.failures


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    checker = Checker(Path(sys.argv[1]))
    ok = checker.check()
    for note in checker.notes:
        print(f"  {note}")
    for failure in checker.failures:
        print(f"FAIL {failure}")
    print("soak check: " + ("passed" if ok else f"FAILED ({len(checker.failures)} problems)"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
