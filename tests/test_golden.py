"""Golden tests: every fixture's records and diagnostics, compared with ``<case>.json`` beside it.

Regenerate after an intended change with ``pytest tests/test_golden.py --force-regen``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import netstat_normalizer as nn
from conftest import ROOT, case_id, command_of, fixture_cases


@pytest.mark.parametrize("case", fixture_cases(), ids=case_id)
def test_fixture_matches_golden(case: Path, file_regression) -> None:
    path = case.relative_to(ROOT).as_posix()
    result = nn.parse(
        case.read_bytes(), dialect=case.parent.name, path=path, command=command_of(case)
    )
    golden = {
        "dialect": result.dialect,
        "encoding": result.encoding,
        "lines": result.lines,
        "records": [r.to_dict() for r in result.records],
        "diagnostics": [d.to_dict() for d in result.diagnostics],
    }
    text = json.dumps(golden, indent=1, ensure_ascii=False) + "\n"
    file_regression.check(text, fullpath=case.with_suffix(".json"), encoding="utf-8")


@pytest.mark.parametrize("case", fixture_cases(), ids=case_id)
def test_every_line_is_accounted_for(case: Path) -> None:
    result = nn.parse(case.read_bytes(), dialect=case.parent.name, command=command_of(case))
    total = len(
        case.read_bytes().decode(result.encoding or "utf-8", "surrogateescape").splitlines()
    )
    assert sum(result.lines.values()) == total
    assert result.lines["unparsed"] == len(result.diagnostics)
