"""Shared test helpers: where fixtures and the public corpus are; the command as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CORPUS = ROOT.parent / "shared" / "corpus"


def fixture_cases() -> list[Path]:
    """Every ``fixtures/<dialect>/<case>.out``."""
    return sorted(FIXTURES.glob("*/*.out"))


def command_of(case: Path) -> str | None:
    """The command that produced a fixture, from its ``.cmd`` file when there is one."""
    cmd = case.with_suffix(".cmd")
    return cmd.read_text("utf-8").strip() if cmd.exists() else None


def case_id(case: Path) -> str:
    return f"{case.parent.name}/{case.stem}"


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """``netstat-normalizer ARGS`` in a new process, its output captured."""
    return subprocess.run(
        [sys.executable, "-m", "netstat_normalizer", *args],
        input=stdin,
        capture_output=True,
        check=False,
    )
