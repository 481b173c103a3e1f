"""The command line as operators use it: help touches nothing, migrate needs no terminal, a
failing command says why in one line and exits 1 (issue "Nothing lost", part 7)."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.lifecycle


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    binary = os.environ.get("TRUSTDESK_BIN", "")
    assert binary and Path(binary).is_file(), "TRUSTDESK_BIN must name the trustdesk binary"
    return subprocess.run([binary, *args], cwd=cwd, env={**os.environ, "SWIFT_BACKTRACE": "enable=no", **(env or {})},
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("args", [["--help"], ["serve", "--help"], ["migrate", "--help"], ["frobnicate"]])
def test_help_and_unknown_commands_touch_nothing(tmp_path: Path, args: list[str]) -> None:
    result = run(args, tmp_path)
    assert "Fatal error" not in result.stderr + result.stdout
    assert list(tmp_path.iterdir()) == [], f"{args} created {list(tmp_path.iterdir())}"
    if args == ["frobnicate"]:
        assert result.returncode == 1
        assert result.stderr.strip().count("\n") == 0 and result.stderr.startswith("trustdesk: ")
    else:
        assert result.returncode == 0, result.stderr
        assert "Usage" in result.stdout or "usage" in result.stdout.lower()


def test_migrate_without_a_terminal(tmp_path: Path) -> None:
    env = {"TRUSTDESK_DATA_DIR": str(tmp_path / "data")}
    first = run(["migrate"], tmp_path, env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Applied" in first.stdout
    again = run(["migrate"], tmp_path, env)
    assert again.returncode == 0 and "up to date" in again.stdout
    refused = run(["migrate", "--revert"], tmp_path, env)
    assert refused.returncode == 1 and "--yes" in refused.stderr
    assert "Fatal error" not in refused.stderr
    reverted = run(["migrate", "--revert", "--yes"], tmp_path, env)
    assert reverted.returncode == 0 and "Reverted" in reverted.stdout


def test_command_errors_are_one_line(tmp_path: Path) -> None:
    env = {"TRUSTDESK_DATA_DIR": str(tmp_path / "data")}
    assert run(["migrate"], tmp_path, env).returncode == 0
    unknown = run(["trust-set-limit", "AC" + "0" * 32, "5000"], tmp_path, env)
    assert unknown.returncode == 1, unknown.stdout + unknown.stderr
    assert "Fatal error" not in unknown.stderr and "Backtrace" not in unknown.stderr
    lines = [line for line in unknown.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("trustdesk: "), unknown.stderr
    bad_setting = run(["serve"], tmp_path, {**env, "TRUSTDESK_BCRYPT_COST": "4"})
    assert bad_setting.returncode == 1 and "TRUSTDESK_BCRYPT_COST" in bad_setting.stderr
