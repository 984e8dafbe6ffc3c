"""The fast path (regexes compiled from the grammars) must agree with the LALR parser everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netstat_normalizer as nn
from conftest import case_id, command_of, fixture_cases
from netstat_normalizer.linegrammar import LineError, LineGrammar


def both(grammar: LineGrammar, line: str, section: str) -> tuple[object, object]:
    fast = grammar.match(line, section)
    try:
        exact = grammar.parse_exact(line, section)
    except LineError:
        exact = None
    return fast, exact


@pytest.mark.parametrize("case", fixture_cases(), ids=case_id)
def test_fixture_lines_agree_in_every_section(case: Path) -> None:
    dialect = nn.dialect_class(case.parent.name)(None, command_of(case))
    text = nn.parse(case.read_bytes(), dialect=case.parent.name)
    lines = case.read_bytes().decode(text.encoding or "utf-8", "surrogateescape").splitlines()
    for line in filter(str.strip, lines):
        for section in dialect.sections:
            fast, exact = both(dialect.lines, line, section)
            assert fast == exact, f"{section}: {line!r}"


def _row_pieces() -> st.SearchStrategy[str]:
    words = st.sampled_from(
        [
            "tcp",
            "tcp6",
            "udp",
            "unix",
            "u_str",
            "nl",
            "ESTAB",
            "LISTEN",
            "ESTABLISHED",
            "SYN_RECV",
            "0",
            "128",
            "7",
            "127.0.0.1:22",
            "[::]:*",
            "*:*",
            "0.0.0.0:*",
            ":::80",
            "1234/sshd: root",
            "-",
            "[ ACC ]",
            "STREAM",
            "CONNECTED",
            "/run/x.sock",
            "*",
            'users:(("a",pid=1,fd=2))',
            "keepalive (1.00/0/0)",
            "root",
            "Proto",
            "Active",
            "skmem:(r0,rb1)",
            "ino:5",
            "<->",
        ]
    )
    gaps = st.sampled_from([" ", "  ", "\t", "      "])
    return st.lists(st.tuples(words, gaps), min_size=1, max_size=12).map(
        lambda parts: "".join(w + g for w, g in parts)
    )


@settings(max_examples=400, deadline=None)
@given(line=_row_pieces())
def test_generated_lines_agree(line: str) -> None:
    for name in ("linux-netstat", "linux-ss"):
        dialect = nn.dialect_class(name)(None)
        for section in dialect.sections:
            fast, exact = both(dialect.lines, line, section)
            assert fast == exact, f"{name}/{section}: {line!r}"
