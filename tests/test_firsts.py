"""``grammar.firsts``: the characters a terminal's match may begin with, never too few."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netstat_normalizer.dialects import DIALECTS
from netstat_normalizer.grammar.firsts import ASCII, Firsts, firsts, may_start

TERMINALS = sorted(
    {
        pattern
        for dialect in DIALECTS.values()
        for pattern in (t.pattern.to_regexp() for t in dialect.line_grammar().lark.terminals)
    }
)


@pytest.mark.parametrize(
    ("pattern", "chars", "empty"),
    [
        ("abc", "a", False),
        ("a|b|", "ab", True),
        (r"\d+(?!\S)", "0123456789", False),
        (r"(?:tcp|udp)6?", "tu", False),
        (r"x*y", "xy", False),
        (r"x{0,3}y|z{2}", "xyz", False),
        (r"[^\s.]*\.", "".join(c for c in ASCII if not c.isspace()), False),
        (r"(?=\S*\.)[^\s.]*\.\S*", "".join(c for c in ASCII if not c.isspace()), False),
        (r"(?=[0-9])\w+", "0123456789", False),
        (r"a?(?=[0-9])\w+", "a0123456789", False),
        (r"(?![A-Z])[A-Za-z_]\w*", "".join(c for c in ASCII if c.isalpha() or c == "_"), False),
        (r"(?P<x>ab)+?c", "a", False),
        (r"(?>[ \t]+)", " \t", False),
        (r"\bfoo$", "f", False),
        ("[]a]", "]a", False),
        (r"\x41|\u0042", "AB", False),
        (r" {5}", " ", False),
        (r"(a)\1", "a", False),  # what follows a character does not matter
        (r"(?P<x>a)(?P=x)\N{EN DASH}", "a", False),
    ],
)
def test_firsts_of_patterns(pattern: str, chars: str, empty: bool) -> None:
    assert firsts(pattern) == Firsts(frozenset(chars), empty)


@pytest.mark.parametrize(
    "pattern", [r"(?i)abc", r"(?i:a)b", r"()\1", r"(?P<x>)(?P=x)", r"\N{EN DASH}", "a(?#c)"]
)
def test_unsure_means_any_character(pattern: str) -> None:
    assert firsts(pattern) == Firsts(ASCII, True)
    assert may_start(pattern, "z")


def test_every_terminal_is_read() -> None:
    """No grammar terminal falls back to 'any character' (that would slow the fast path)."""
    assert TERMINALS
    assert [p for p in TERMINALS if firsts(p) == Firsts(ASCII, True)] == []


@pytest.mark.parametrize("pattern", TERMINALS)
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_matches_begin_with_a_first_character(pattern: str, data: st.DataObject) -> None:
    """Any match found in text made to hold one (lookbehinds and lookaheads at the ends need
    text around the match) begins with one of its first characters, or is empty."""
    found = firsts(pattern)
    text = data.draw(st.from_regex(pattern))
    matches = [m[0] for m in re.finditer(pattern, text)]
    assert matches
    for match in matches:
        assert found.empty if not match else not match[0].isascii() or match[0] in found.chars
