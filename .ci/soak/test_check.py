"""The soak's checker must catch what it is there to catch: fed a doctored log (one admission
too many, one ticket that is not there) it fails, and fed a consistent run it passes.

Runs on a small synthetic run always, and on a real run too when SOAK_RUN_DIR names one
(`bash .ci/soak.sh` does): `python -m pytest -q .ci/soak/test_check.py`.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import check  # noqa: E402

CAP = 30
T0 = 1_790_000_000.0


def write_lines(run: Path, name: str, records: list[dict]) -> None:
    (run / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))


def synthetic_run(run: Path) -> None:
    """A tiny, consistent run: one ticket, comment, key, invoice and payment per database, an
    account admitted to its cap, one kill with its job lease taken over, one SLA breach."""
    account = {"pg": "AC" + "1" * 32, "sqlite": "AC" + "2" * 32}
    write_lines(run, "meta", [{"t": T0, "started": T0, "minutes": 1, "cap": CAP, "capped": {db: [a] for db, a in account.items()},
                               "sla_tickets": {"pg": [1], "sqlite": [1]}}])
    writes, samples, outbox_ids = [], [], {}
    for db in ("pg", "sqlite"):
        messages = [f"SM{db[0] * 2}{i:030x}" for i in range(CAP)]
        writes += [
            {"t": T0 + 1, "kind": "ticket", "db": db, "node": f"{db}-a", "number": 1, "token": f"{db}tok"},
            {"t": T0 + 2, "kind": "comment", "db": db, "node": f"{db}-a", "number": 1, "token": f"{db}com"},
            {"t": T0 + 3, "kind": "key", "db": db, "node": f"{db}-a", "sid": f"SK{db}"},
            {"t": T0 + 4, "kind": "invoice", "db": db, "node": f"{db}-a", "reference": f"soak-{db}", "amount": 1000},
            {"t": T0 + 5, "kind": "payment", "db": db, "node": f"{db}-a", "reference": f"soak-{db}", "amount": 100},
            {"t": T0 + 6, "kind": "admissions", "db": db, "node": f"{db}-a", "account": account[db], "messages": messages, "refused": 3},
            {"t": T0 + 7, "kind": "outcomes", "db": db, "node": f"{db}-a", "reported": CAP, "rejected": []},
        ]
        outbox_ids[db] = f"0000000{'1' if db == 'pg' else '2'}-0000-0000-0000-000000000000"
        snapshot = {
            "tickets": [["1", f"soak {db}tok"]],
            "comments": [["1", f"soak comment {db}com"]],
            "keys": [[f"SK{db}", "soak x"]],
            "invoices": [[f"soak-{db}", "1000", "100"]],
            "admitted": [[m, account[db], str(T0 + 6), "delivered"] for m in messages],
            "granted": [[account[db], str(CAP)]],
            "leases": [],
            "outbox": [[outbox_ids[db], "support_sla_breach", "[#1] SLA breached", "tam@example.com", str(T0 + 40), "1"]],
            "sla_targets": [["1", "first_response", "breached", str(T0 + 20), str(T0 + 20)]],
            "sla_events": [["1", "SLA breached on ticket #1"]],
            "sla_alerts": [["1", "US" + "3" * 32, "SLA breached on ticket #1"]],
            "jobs": [["outbox_delivery", str(T0 + 59)]],
            "integrity_check": "ok",
        }
        (run / f"snapshot-{db}.json").write_text(json.dumps(snapshot))
        for second in range(0, 61):
            holder = "host-100-aaaa" if second < 35 else "host-200-bbbb"
            samples.append({"t": T0 + second, "db": db, "jobs": [{"name": "outbox_delivery", "holder": holder,
                                                                   "last_run": T0 + (second if second < 20 or second >= 35 else 19),
                                                                   "expires": T0 + second + 30}], "leases": []})
    write_lines(run, "writes", writes)
    write_lines(run, "attempts", [{"t": T0 + 5, "kind": "payment", "db": db, "reference": f"soak-{db}", "amount": 100} for db in ("pg", "sqlite")])
    write_lines(run, "kills", [{"t": T0 + 20, "node": "pg-a", "db": "pg", "pid": 100, "ready": T0 + 25, "new_pid": 200}])
    write_lines(run, "errors", [{"t": T0 + 21, "end": T0 + 21, "node": "pg-a", "kind": "ticket", "error": "ConnectionError"}])
    write_lines(run, "samples", samples)
    write_lines(run, "mail", [{"t": T0 + 40, "message_id": f"<{i}@trustdesk>", "subject": "x"} for i in outbox_ids.values()])
    write_lines(run, "exits", [{"t": T0 + 61, "codes": {"pg-a": 0, "sqlite-a": 0}, "crash_text": {"pg-a": [], "sqlite-a": []}}])


def doctor_extra_admission(run: Path) -> None:
    """One admission more in the client's log than the server answered: a write answered
    'admitted' that the journal does not have."""
    meta = json.loads((run / "meta.jsonl").read_text().splitlines()[0])
    with open(run / "writes.jsonl", "a") as f:
        f.write(json.dumps({"t": T0, "kind": "admissions", "db": "pg", "node": "doctored", "account": meta["capped"]["pg"][0],
                            "messages": ["SM" + "e" * 32], "refused": 0}) + "\n")


def doctor_over_cap(run: Path) -> None:
    """Admissions past the cap, in the log and in the journal alike: the cap check must catch it."""
    meta = json.loads((run / "meta.jsonl").read_text().splitlines()[0])
    account = meta["capped"]["pg"][0]
    stored = json.loads((run / "snapshot-pg.json").read_text())
    admitted = [row for row in stored["admitted"] if row[1] == account]
    extra = [f"SM{'f' * 24}{i:08x}" for i in range(meta["cap"] - len(admitted) + 1)]
    stored["admitted"] += [[m, account, admitted[-1][2], None] for m in extra]
    (run / "snapshot-pg.json").write_text(json.dumps(stored))
    with open(run / "writes.jsonl", "a") as f:
        f.write(json.dumps({"t": float(admitted[-1][2]), "kind": "admissions", "db": "pg", "node": "doctored", "account": account,
                            "messages": extra, "refused": 0}) + "\n")


def doctor_missing_ticket(run: Path) -> None:
    """A ticket the client was answered 201 for, absent from the database."""
    with open(run / "writes.jsonl", "a") as f:
        f.write(json.dumps({"t": T0, "kind": "ticket", "db": "sqlite", "node": "doctored", "number": 999_999, "token": "never-stored"}) + "\n")


def runs() -> list[Path]:
    real = os.environ.get("SOAK_RUN_DIR")
    return [Path(real)] if real else []


@pytest.fixture(params=["synthetic"] + [str(r) for r in runs()])
def run(request, tmp_path: Path) -> Path:
    target = tmp_path / "run"
    if request.param == "synthetic":
        target.mkdir()
        synthetic_run(target)
    else:
        shutil.copytree(request.param, target, ignore=shutil.ignore_patterns("*-data", "*.log"))
    return target


def test_consistent_run_passes(run: Path) -> None:
    checker = check.Checker(run)
    assert checker.check(), checker.failures


@pytest.mark.parametrize("doctor, expected", [
    (doctor_extra_admission, "1 admissions answered 'admitted' are not in the journal"),
    (doctor_over_cap, "over its cap"),
    (doctor_missing_ticket, "ticket #999999 answered 201 exists 0 times"),
], ids=["one extra admission", "admissions over the cap", "one missing ticket"])
def test_doctored_log_fails(run: Path, doctor, expected: str) -> None:
    doctor(run)
    checker = check.Checker(run)
    assert not checker.check()
    assert any(expected in f for f in checker.failures), checker.failures


def test_lost_journal_entry_and_server_error_fail(tmp_path: Path) -> None:
    synthetic_run(tmp_path)
    stored = json.loads((tmp_path / "snapshot-sqlite.json").read_text())
    stored["admitted"] = stored["admitted"][1:]
    (tmp_path / "snapshot-sqlite.json").write_text(json.dumps(stored))
    with open(tmp_path / "errors.jsonl", "a") as f:
        f.write(json.dumps({"t": T0 + 50, "end": T0 + 50, "node": "sqlite-a", "kind": "comment", "status": 500, "body": "boom"}) + "\n")
    checker = check.Checker(tmp_path)
    assert not checker.check()
    assert any("not in the journal" in f for f in checker.failures), checker.failures
    assert any("answered 500" in f for f in checker.failures), checker.failures


def test_job_not_taken_over_fails(tmp_path: Path) -> None:
    synthetic_run(tmp_path)
    samples = [json.loads(line) for line in (tmp_path / "samples.jsonl").read_text().splitlines()]
    for sample in samples:
        for job in sample["jobs"]:
            job["last_run"] = min(job["last_run"], T0 + 19)
            job["holder"] = "host-100-aaaa"  # nobody took the killed holder's lease
    write_lines(tmp_path, "samples", samples)
    checker = check.Checker(tmp_path)
    assert not checker.check()
    assert any("outbox_delivery" in f for f in checker.failures), checker.failures
