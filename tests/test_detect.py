"""Every fixture detects as its own dialect, with its titles and headers and without them."""

from __future__ import annotations

from pathlib import Path

import pytest

import netstat_normalizer as nn
from conftest import case_id, fixture_cases
from netstat_normalizer.engine.detect import rank

CASES = [c for c in fixture_cases() if c.parent.name in nn.dialects()]


def text_of(case: Path) -> str:
    encoding = nn.parse(case.read_bytes(), dialect=case.parent.name).encoding or "utf-8"
    return case.read_bytes().decode(encoding)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_detects_its_dialect(case: Path) -> None:
    assert nn.parse(case.read_bytes()).dialect == case.parent.name


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_detects_its_dialect_without_titles_and_headers(case: Path) -> None:
    dialect = nn.dialect_class(case.parent.name)(None)
    lines = text_of(case).splitlines()
    rows = []
    for line in filter(str.strip, lines):
        kind = next(
            (found[0] for s in dialect.sections if (found := dialect.lines.match(line, s))), ""
        )
        if not kind.endswith(("title", "header", "rule", "warning")):
            rows.append(line)
    if not any(r for r in nn.parse("\n".join(rows), dialect=case.parent.name).records):
        pytest.skip("no rows")
    ranked = rank("\n".join(rows).splitlines())
    own = next(d for d in ranked if d.dialect == case.parent.name)
    # Without headers some tables are the same in two dialects (FreeBSD and macOS routes): then
    # the tie goes to the stated priority, and the own dialect must at least share the top score.
    assert own.confidence == ranked[0].confidence > 0
