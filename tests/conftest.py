"""Shared test helpers: where fixtures and the public corpus are."""

from __future__ import annotations

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
