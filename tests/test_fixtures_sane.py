"""Properties every fixture's records must have, whatever the dialect."""

from __future__ import annotations

from pathlib import Path

import pytest

import netstat_normalizer as nn
from conftest import case_id, command_of, fixture_cases
from netstat_normalizer.model.states import TCP_STATES, TcpState

CANONICAL = {s.value for s in TcpState}


@pytest.mark.parametrize("case", fixture_cases(), ids=case_id)
def test_fixture_parses_without_unparsed_lines(case: Path) -> None:
    result = nn.parse(case.read_bytes(), dialect=case.parent.name, command=command_of(case))
    assert result.diagnostics == []
    assert result.records or result.lines["other"], "a fixture with neither records nor headers"


@pytest.mark.parametrize("case", fixture_cases(), ids=case_id)
def test_records_have_sane_values(case: Path) -> None:
    for r in nn.parse(
        case.read_bytes(), dialect=case.parent.name, command=command_of(case)
    ).records:
        assert r.dialect == case.parent.name
        for port in (r.local_port, r.remote_port):
            assert port is None or 0 <= port <= 65535
        if r.proto == "tcp" and r.state_raw is not None:
            assert r.state == TCP_STATES[r.state_raw]
        assert r.state is None or r.state in CANONICAL
        if r.proto not in ("tcp", None):
            assert r.state is None
        assert r.ip_version in (4, 6, None)
        assert r.source["line"] >= 1


def test_every_tcp_state_word_in_fixtures_is_mapped() -> None:
    seen = set()
    for case in fixture_cases():
        for r in nn.parse(
            case.read_bytes(), dialect=case.parent.name, command=command_of(case)
        ).records:
            if r.proto == "tcp" and r.state_raw is not None:
                seen.add(r.state_raw)
    assert seen, "no TCP rows in the fixtures"
    assert seen <= set(TCP_STATES)


def test_linux_fixtures_show_every_rfc9293_state() -> None:
    states = set()
    for dialect in ("linux-netstat", "linux-ss"):
        for case in (p for p in fixture_cases() if p.parent.name == dialect):
            states |= {r.state for r in nn.parse(case.read_bytes(), dialect=dialect).records}
    # CLOSED cannot be captured: Linux lists no TCP socket that is only bound.
    rfc = {s.value for s in TcpState} - {"BOUND", "IDLE", "DELETE-TCB", "CLOSED"}
    assert rfc <= states
