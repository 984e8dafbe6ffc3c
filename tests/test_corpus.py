"""Every public capture in ../shared/corpus parses with no unparsed line, its dialect detected."""

from __future__ import annotations

from pathlib import Path

import pytest

import netstat_normalizer as nn
from conftest import CORPUS

FILES = sorted(CORPUS.glob("**/*.out")) if CORPUS.exists() else []
pytestmark = pytest.mark.skipif(
    not FILES, reason="optional public corpus ../shared/corpus absent: nothing to check"
)


def expected_dialect(path: Path) -> str | None:
    system = path.parent.name if path.parent.parent.name != "windows" else "windows"
    if path.name.startswith("ss"):
        return "linux-ss"
    return {
        "freebsd12": "freebsd-netstat",
        "osx-10.14.6": "macos-netstat",
        "windows": "windows-netstat",
    }.get(system, "linux-netstat")


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_file(path: Path) -> None:
    dialect = expected_dialect(path)
    if dialect not in nn.dialects():
        pytest.skip(f"{dialect} is not implemented")
    result = nn.parse(path.read_bytes(), path=str(path))
    assert result.dialect == dialect
    assert [str(d) for d in result.diagnostics] == []
    assert result.records
    for r in result.records:
        assert r.local_port is None or 0 <= r.local_port <= 65535
        assert r.remote_port is None or 0 <= r.remote_port <= 65535
