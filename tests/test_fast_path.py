"""The fast path (regexes compiled from the grammars) must agree with the LALR parser everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netstat_normalizer as nn
from conftest import case_id, command_of, fixture_cases
from netstat_normalizer.grammar.firsts import may_start
from netstat_normalizer.grammar.linegrammar import LineError, LineGrammar


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


@pytest.mark.parametrize(
    ("pattern", "may"),
    [
        (" x", True),
        ("x", False),
        ("[^a]", True),
        ("[^ \\t]", False),
        ("(?:a|b)?\\s", True),
        ("a*b", False),
        ("(?=\\S)\\s*x", False),
        ("\\S+", False),
        ("[\\w.]", False),
        ("\\W", True),
        (".", True),
        ("(a)\\1", False),
        ("()\\1", True),
        ("a?", True),  # may be empty
        ("(?i:x)", True),  # case-insensitive: unsure
    ],
)
def test_may_start_with_a_blank(pattern: str, may: bool) -> None:
    assert may_start(pattern, " \t") is may


@pytest.fixture(scope="module")
def every_fixture_line() -> list[str]:
    lines = {
        line
        for case in fixture_cases()
        for line in case.read_bytes().decode("utf-8", "replace").splitlines()
        if line.strip()
    }
    return sorted(lines)


@pytest.mark.parametrize("name", nn.dialects())
def test_narrowing_by_first_character_keeps_the_answer(
    name: str, every_fixture_line: list[str]
) -> None:
    """Every fixture line of every dialect, in every section of this one: the fast path narrowed
    to the line's first character answers as the whole section's regex does."""
    grammar = nn.dialect_class(name)(None).lines
    for section in grammar.sections:
        regex, expansions = grammar.whole(section)
        for line in every_fixture_line:
            m = regex.match(line)
            whole = m and (expansions[m.lastindex][0], list(expansions[m.lastindex][1](m)))
            assert grammar.match(line, section) == whole, (section, line)


@pytest.mark.parametrize("name", nn.dialects())
def test_the_quick_test_of_line_kinds_never_says_no_to_a_line_of_them(
    name: str, every_fixture_line: list[str]
) -> None:
    """``may_be`` (before ``match`` in detection) is False only for lines that are none of the
    kinds, in any section; it says False to most lines of other kinds."""
    grammar = nn.dialect_class(name)(None).lines
    every = {kind for section in grammar.sections for kind in grammar.kinds(section)}
    titles = frozenset(kind for kind in every if kind.endswith(("title", "header", "warning")))
    refused = 0
    for line in every_fixture_line:
        kinds = {found[0] for s in grammar.sections if (found := grammar.match(line, s))}
        if kinds & titles:
            assert grammar.may_be(line, titles), line
        refused += not grammar.may_be(line, titles)
    assert refused > len(every_fixture_line) / 2
