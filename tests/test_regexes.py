"""Regexes kept as the engine's code: given back, they match as ``re.compile``'s; damaged code,
or the code of another pattern, is refused (the plan holding it is then built again)."""

from __future__ import annotations

import re

import pytest

from netstat_normalizer.grammar import regexes

PATTERNS = [
    r"[ \t]*+(?:(?>(TCP|UDP))[ \t]*+(?:(?>(\S+))(?P<e0>)))\Z|(?!)()",
    r"(?P<tcp>TCP)(?:: IPv[46])?|(?P<udp>UDP)",
    r"(?i:proto)\s+(\d+)",
]
LINES = ["  TCP  0.0.0.0:135", "UDP", "TCP: IPv4", "PROTO 12", "x", ""]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_kept_code_matches_as_the_pattern_does(pattern: str) -> None:
    code = regexes.code_of(pattern)
    assert code is not None  # CPython: the internals are there
    kept, fresh = regexes.compile(pattern, code), re.compile(pattern)
    assert kept is not fresh
    assert (kept.groups, kept.groupindex, kept.flags) == (
        fresh.groups,
        fresh.groupindex,
        fresh.flags,
    )
    for line in LINES:
        found, expected = kept.match(line), fresh.match(line)
        assert (found and (found.span(), found.groups())) == (
            expected and (expected.span(), expected.groups())
        )


@pytest.mark.parametrize(
    "damage",
    [
        {"code": "not base64!"},
        {"code": ""},
        {"groups": "many"},
        {"names": {"e0": 99}},
        {"flags": None},
        {"pattern": 0},
    ],
)
def test_damaged_code_is_refused(damage: dict[str, object]) -> None:
    pattern = PATTERNS[0]
    code = {**(regexes.code_of(pattern) or {}), **damage}
    with pytest.raises(ValueError, match="damaged code"):
        regexes.compile(pattern, code)


def test_the_code_of_another_pattern_is_refused() -> None:
    with pytest.raises(ValueError, match="another pattern"):
        regexes.compile(PATTERNS[1], regexes.code_of(PATTERNS[0]))


def test_no_code_compiles_the_pattern() -> None:
    assert regexes.compile("a(b)", None).match("ab") is not None
