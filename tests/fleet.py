"""The fleet fixtures (``fixtures/fleet``): real captures of three hosts over time, and the log
of what ``capture_fleet.py`` did before each capture."""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import netstat_normalizer as nn
from conftest import FIXTURES

FLEET = FIXTURES / "fleet"
SCENARIO: dict[str, Any] = json.loads((FLEET / "scenario.json").read_text("utf-8"))
HOSTS = sorted(SCENARIO["hosts"])


def path(host: str) -> Path:
    return FLEET / f"{host}.txt"


@cache
def records(host: str) -> tuple[nn.Record, ...]:
    result = nn.parse(
        path(host).read_bytes(),
        path=str(path(host)),
        command=SCENARIO["command"],
        marker=SCENARIO["marker"],
    )
    assert result.diagnostics == []
    return tuple(result.records)


def times(host: str) -> list[float]:
    """Each capture's time, read from the file's marker lines."""
    stamps = re.findall(r"^=== \S+ (\S+) ===$", path(host).read_text("utf-8"), re.M)
    return [datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp() for s in stamps]


def done(host: str, capture: int, event: str) -> list[dict[str, Any]]:
    """What the script logged as ``event`` before ``capture``."""
    steps = SCENARIO["hosts"][host]["before_capture"][capture]
    return [entry for entry in steps if entry["event"] == event]
