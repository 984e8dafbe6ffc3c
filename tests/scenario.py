"""The scenario captures (fixtures/scenarios/piles, made by capture_scenario.py) as records."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from conftest import FIXTURES
from netstat_normalizer import iter_parse
from netstat_normalizer.model.record import Record

PILES = FIXTURES / "scenarios" / "piles"
MARKER = r"^=== (?P<host>\S+) (?P<time>\S+) ===$"
FILES = {"ss-tanp.txt.gz": "linux-ss", "netstat-antp.txt.gz": "linux-netstat"}


def scenario_records(name: str, folder: Path = PILES) -> list[Record]:
    """The records of one of the scenario's gzipped captures."""
    with gzip.open(folder / name, "rt", encoding="utf-8") as lines:
        items = list(iter_parse(lines, FILES[name], name, marker=MARKER))
    records = [item for item in items if isinstance(item, Record)]
    assert len(records) == len(items), "a scenario line was not parsed"
    return records


def kernel_counts(folder: Path = PILES) -> list[dict[str, dict[str, int]]]:
    """Per capture, the kernel's count of each state before and after it."""
    counts: list[dict[str, dict[str, int]]] = json.loads(
        (folder / "kernel-counts.json").read_text()
    )
    return counts


def expected_findings() -> dict[str, Any]:
    expected: dict[str, Any] = json.loads((PILES / "expected-findings.json").read_text())
    return expected
