"""Robustness of parsing, with inputs generated from the bundled fixtures of every dialect.

Invariants checked on every generated input:

- ``parse`` raises nothing but DetectionError (and only with ``dialect="auto"``);
- line accounting: ``record + other + unparsed`` is the number of lines ``split_lines`` counts,
  ``unparsed`` is the number of diagnostics, and diagnostics name distinct lines in range;
- no invented data: a mutated line gives diagnostics, or records that invent nothing;
- the fast path and the LALR parser agree on every line a mutation made, in every section.

The oracle of "invents nothing" (``invented``, ``novel``): each field of each record of the mutated
capture, compared with the record its line had in the original, is null (the mutation lost it),
equal (whitespace aside), or, for the record of the mutated line only, explained by the mutation
(``Own``): printed inside a word the mutation altered (a row cut inside its last word gives a
shorter port, garbage inside a program name stays there), derived from such a word (a state, a
port from a service name), or, for fields that may hold spaces or sit beside an optional column of
their own syntax (``SHIFTABLE``), made of the line's own words.  Anything else is invented: a
value moved into another field, another line's value, a default standing in for a lost column.
Mutations that make another valid row are not asked to give a diagnostic, and are not generated
where they would need to be told apart: swapped columns that the grammar accepts either way round
(``interchangeable``); a deleted row's continuation lines may join the record above.

The default budget keeps these tests well under a minute; ``HYPOTHESIS_PROFILE=deep pytest
tests/test_robustness.py`` runs many more cases.
"""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lark import Lark, Token, UnexpectedInput

import netstat_normalizer as nn
from conftest import case_id, command_of, fixture_cases
from netstat_normalizer import cli
from netstat_normalizer.grammar.linegrammar import LineError
from netstat_normalizer.io.decode import ERRORS
from netstat_normalizer.io.reader import split_lines
from netstat_normalizer.model.states import TCP_STATES

settings.register_profile(
    "robust",
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "deep", settings.get_profile("robust"), max_examples=3000, derandomize=False
)
PROFILE = settings.get_profile(
    "deep" if os.environ.get("HYPOTHESIS_PROFILE") == "deep" else "robust"
)
"""These tests' budget: ``robust`` (the same cases every run) by default, ``deep`` (new random
cases each run) when HYPOTHESIS_PROFILE=deep."""

CONTEXT = frozenset(("dialect", "capture", "host", "captured_at", "meta", "source"))
"""Record fields that say where a record is, not what it says: not compared."""
DERIVED = frozenset(
    ("proto", "ip_version", "state", "local_port", "remote_port", "local_scope", "remote_scope")
)
"""Fields computed from printed words (the protocol from ``tcp6``, a port from a service name, a
scope from an address): they may change with the words a mutation altered."""
DERIVED_EXTRA = frozenset(("cut",))
"""``extra`` keys computed from printed widths (a value that fills its column may be cut): they
may change when a mutation makes a word longer or shorter."""


# -- the fixtures, as strategies draw from them --------------------------------------------------
@dataclass(frozen=True)
class Capture:
    """A fixture decoded into lines, with what each line is and the records it gave."""

    dialect: str
    name: str
    command: str | None
    lines: tuple[str, ...]
    records: dict[int, nn.Record]
    """Records by the line they start on (1-based)."""
    every: dict[int, tuple[nn.Record, ...]]
    """All records by that line: a one-line JSON document holds several."""
    data: tuple[int, ...]
    """Lines counted as records: rows and their continuation lines."""
    other: tuple[int, ...]
    """Non-blank lines that are no records: titles, headers, warnings."""

    def owner(self, number: int) -> int:
        """The line of the record a data line belongs to (a row is its own)."""
        return max(n for n in self.records if n <= number)


def load(case: Path) -> Capture:
    result = nn.parse(case.read_bytes(), dialect=case.parent.name, command=command_of(case))
    lines = split_lines(case.read_bytes().decode(result.encoding or "utf-8", ERRORS))
    counts: dict[str, int] = {}
    kinds: list[str] = []

    def feed():
        for line in lines:
            before = dict(counts)
            yield line
            kinds.append(next(k for k in counts if counts[k] != before.get(k, 0)))

    list(nn.iter_parse(feed(), case.parent.name, command=command_of(case), accounting=counts))
    return Capture(
        dialect=case.parent.name,
        name=case_id(case),
        command=command_of(case),
        lines=tuple(lines),
        records={r.source["line"]: r for r in result.records},
        every={
            n: tuple(r for r in result.records if r.source["line"] == n)
            for n in {r.source["line"] for r in result.records}
        },
        data=tuple(n for n, k in enumerate(kinds, 1) if k == "record"),
        other=tuple(n for n, k in enumerate(kinds, 1) if k == "other" and lines[n - 1].strip()),
    )


CAPTURES = [load(case) for case in fixture_cases()]
BY_DIALECT = {d: [c for c in CAPTURES if c.dialect == d and c.data] for d in nn.dialects()}
HEADERS = {
    d: sorted({c.lines[n - 1] for c in CAPTURES if c.dialect == d for n in c.other})
    for d in nn.dialects()
}
"""Each dialect's titles and headers."""


# -- mutations -----------------------------------------------------------------------------------
@dataclass
class Mutated:
    """A capture with some lines changed: the new lines, and the original line of each."""

    capture: Capture
    what: str
    lines: list[str]
    origin: list[int | None]
    """For each new line, the original line it comes from (1-based), None for an inserted one."""
    target: int | None = None
    """The original line whose record the mutation may change: the line replaced, or, for a
    deleted row, the row above it."""
    altered: tuple[str, ...] = ()
    """The words that may explain new values in that record (see ``Own``)."""

    @property
    def made(self) -> list[str]:
        """The lines that stand for the target line now."""
        return [n for n, o in zip(self.lines, self.origin) if o == self.target]

    @property
    def text(self) -> str:
        return "".join(line + "\n" for line in self.lines)


def replace(capture: Capture, number: int, new: str, what: str) -> Mutated:
    """``capture`` with line ``number`` replaced by ``new`` (which may hold line breaks)."""
    old = capture.lines[number - 1]
    pieces = split_lines(new + "\n")
    lines = list(capture.lines)
    lines[number - 1 : number] = pieces
    origin: list[int | None] = list(range(1, number))
    origin += [number] * len(pieces) + list(range(number + 1, len(capture.lines) + 1))
    return Mutated(capture, what, lines, origin, number, altered_words(old.split(), new.split()))


def altered_words(old: list[str], new: list[str]) -> tuple[str, ...]:
    """The words of ``new`` that replace words of ``old``, or are new to it: not those only
    deleted, duplicated or moved."""
    altered = []
    for op, _, _, start, end in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "replace" or op == "insert":
            altered += [w for w in new[start:end] if op == "replace" or w not in old]
    return tuple(altered)


Words = list[re.Match[str]]
LineMutation = Callable[[st.DrawFn, str, Words], tuple[str, str]]


def _word(draw: st.DrawFn, words: Words) -> re.Match[str]:
    return words[draw(st.integers(0, len(words) - 1))]


def delete_column(draw: st.DrawFn, line: str, words: Words) -> tuple[str, str]:
    w = _word(draw, words)
    return line[: w.start()].rstrip(" \t") + line[w.end() :], f"column {w[0]!r} deleted"


def duplicate_column(draw: st.DrawFn, line: str, words: Words) -> tuple[str, str]:
    w = _word(draw, words)
    return line[: w.end()] + " " + line[w.start() :], f"column {w[0]!r} duplicated"


def cut_at_column(draw: st.DrawFn, line: str, words: Words) -> tuple[str, str]:
    w = _word(draw, words)
    return line[: w.end()], f"cut after column {w[0]!r}"


def cut_inside(draw: st.DrawFn, line: str, words: Words) -> tuple[str, str]:
    at = draw(st.integers(1, max(len(line) - 1, 1)))
    return line[:at], f"cut at character {at}"


GARBAGE = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=6
).filter(lambda s: "\n" not in s and "\r" not in s)


def insert(text: st.SearchStrategy[str], what: str) -> LineMutation:
    def mutation(draw: st.DrawFn, line: str, words: Words) -> tuple[str, str]:
        at = draw(st.integers(0, len(line)))
        piece = draw(text)
        return line[:at] + piece + line[at:], f"{what} {piece!r} inserted at {at}"

    return mutation


def tabs_for_spaces(draw: st.DrawFn, line: str, words: Words) -> tuple[str, str]:
    tab = draw(st.sampled_from(["\t", "\t\t", " \t", "\t "]))
    return re.sub(" +", tab, line), f"spaces replaced by {tab!r}"


def line_end(draw: st.DrawFn, line: str, words: Words) -> tuple[str, str]:
    end = draw(st.sampled_from(["\r", "\r\n", "\r\r\n", "\x0c", "\x85", "\u2028"]))
    at = draw(st.sampled_from([len(line), draw(st.integers(0, len(line)))]))
    return line[:at] + end + line[at:], f"line end {end!r} at {at}"


def misspell_state(draw: st.DrawFn, line: str, words: Words) -> tuple[str, str]:
    """A state word (any word in a line with none) with a letter dropped, doubled, swapped or
    changed, or lowered."""
    states = [w for w in words if w[0] in TCP_STATES] or words
    w = _word(draw, states)
    word = w[0]
    at = draw(st.integers(0, len(word) - 1))
    how = draw(st.sampled_from(["drop", "double", "swap", "lower", "change"]))
    if how == "drop":
        new = word[:at] + word[at + 1 :]
    elif how == "double":
        new = word[:at] + word[at] + word[at:]
    elif how == "swap":
        new = word[:at] + word[at + 1 : at + 2] + word[at] + word[at + 2 :]
    elif how == "lower":
        new = word.lower()
    else:
        new = word[:at] + draw(st.sampled_from("AEIOUX_-1")) + word[at + 1 :]
    return line[: w.start()] + new + line[w.end() :], f"{word!r} misspelt {new!r}"


LINE_MUTATIONS: list[LineMutation] = [
    delete_column,
    duplicate_column,
    cut_at_column,
    cut_inside,
    insert(GARBAGE, "garbage"),
    insert(st.text(st.characters(max_codepoint=255), min_size=1, max_size=4), "bytes"),
    insert(st.sampled_from(["\x00", "\x00" * 3]), "NUL"),
    tabs_for_spaces,
    line_end,
    misspell_state,
]


@st.composite
def mutated_lines(draw: st.DrawFn, dialect: str) -> Mutated:
    """A capture of ``dialect`` with one data line mutated."""
    capture = draw(st.sampled_from(BY_DIALECT[dialect]))
    number = draw(st.sampled_from(capture.data))
    line = capture.lines[number - 1]
    words = list(re.finditer(r"\S+", line))
    mutation = draw(st.sampled_from(LINE_MUTATIONS))
    new, what = mutation(draw, line, words)
    return replace(capture, number, new, f"line {number}: {what}")


@cache
def token_parser(dialect: str) -> Lark:
    """The dialect's grammar as a Lark parser that keeps every token (with its terminal)."""
    cls = nn.dialect_class(dialect)
    return Lark.open_from_package(
        "netstat_normalizer.grammars",
        f"{cls.grammar}.lark",
        parser="lalr",
        lexer="contextual",
        start=list(cls.sections),
        keep_all_tokens=True,
    )


def terminals(dialect: str, line: str) -> dict[int, str]:
    """The terminal of the token each word of ``line`` starts in, by the word's position."""
    parser = token_parser(dialect)
    for section in nn.dialect_class(dialect).sections:
        try:
            tree = parser.parse(line, start=section)
        except UnexpectedInput:
            continue
        tokens = list(tree.scan_values(lambda v: isinstance(v, Token)))
        return {
            w.start(): next(t.type for t in tokens if t.start_pos <= w.start() < t.end_pos)
            for w in re.finditer(r"\S+", line)
        }
    raise AssertionError(f"{dialect}: no section parses {line!r}")


def interchangeable(dialect: str, *words: tuple[str, str]) -> bool:
    """Whether two (terminal, word) pairs may trade places as far as the grammar knows: the same
    terminal, or each word a whole token of the other's.  Swapped, such words make another valid
    row (two queue sizes, two endpoints), which no parser can tell from the original."""
    (first, a), (second, b) = words
    regex = {t.name: t.pattern.to_regexp() for t in token_parser(dialect).terminals}
    return first == second or bool(re.fullmatch(regex[first], b) and re.fullmatch(regex[second], a))


@st.composite
def swapped_columns(draw: st.DrawFn, dialect: str) -> Mutated:
    """A capture with two columns of one row swapped, unless they are ``interchangeable``."""
    capture = draw(st.sampled_from(BY_DIALECT[dialect]))
    number = draw(st.sampled_from(sorted(capture.records)))
    line = capture.lines[number - 1]
    words = list(re.finditer(r"\S+", line))
    assume(len(words) > 1)  # a CSV row is one word
    first, second = sorted(draw(st.sets(st.integers(0, len(words) - 1), min_size=2, max_size=2)))
    a, b = words[first], words[second]
    types = terminals(dialect, line)
    assume(not interchangeable(dialect, (types[a.start()], a[0]), (types[b.start()], b[0])))
    new = line[: a.start()] + b[0] + line[a.end() : b.start()] + a[0] + line[b.end() :]
    return replace(capture, number, new, f"line {number}: columns {a[0]!r}, {b[0]!r} swapped")


@st.composite
def moved_lines(draw: st.DrawFn, dialect: str) -> Mutated:
    """A capture with one data line deleted or duplicated, or another dialect's header inserted."""
    capture = draw(st.sampled_from(BY_DIALECT[dialect]))
    number = draw(st.sampled_from(capture.data))
    lines = list(capture.lines)
    origin: list[int | None] = list(range(1, len(lines) + 1))
    how = draw(st.sampled_from(["delete", "duplicate", "insert"]))
    if how == "delete":
        del lines[number - 1], origin[number - 1]
        if number not in capture.records or number == min(capture.records):
            return Mutated(capture, f"line {number} deleted", lines, origin)
        # the row's continuation lines may join the record above, when they fit it
        below = [n for n in capture.data if n > number and capture.owner(n) == number]
        words = tuple(w for n in below for w in capture.lines[n - 1].split())
        above = capture.owner(number - 1)
        return Mutated(capture, f"row {number} deleted", lines, origin, above, words)
    if how == "duplicate":
        lines.insert(number, lines[number - 1])
        origin.insert(number, number)
        return Mutated(capture, f"line {number} duplicated", lines, origin)
    other = draw(st.sampled_from([d for d in nn.dialects() if d != dialect and HEADERS[d]]))
    header = draw(st.sampled_from(HEADERS[other]))
    grammar, sections = grammar_of(dialect)
    assume(all(grammar.match(header, s) is None for s in sections))  # else it is this one's too
    lines.insert(number - 1, header)
    origin.insert(number - 1, None)
    return Mutated(capture, f"{other} header {header!r} before line {number}", lines, origin)


# -- the oracle ----------------------------------------------------------------------------------
SHIFTABLE = frozenset(
    (
        "program",
        "local_address",
        "remote_address",
        "extra.name",
        "extra.service",
        "extra.components",
        "extra.network",
        "extra.address",
    )
)
"""Fields whose text may hold spaces (a program, a path) or whose column sits beside an optional
column of the same syntax (an interface's network and address): a neighbouring column of the same
line may join them or move into them, giving another row as valid as the original."""


@dataclass(frozen=True)
class Own:
    """What the mutated record's own line may explain: the words the mutation altered (a value
    printed inside one of them is no invention) and all the words of the line."""

    altered: frozenset[str]
    words: frozenset[str]

    def names(self, key: str) -> bool:
        """Whether a new key is made of an altered word (ifconfig's ``key value`` pairs)."""
        return any(part in a.lower() for part in key.split("_") if part for a in self.altered)

    def explains(self, field: str, value: Any, old: Any) -> bool:
        """Whether ``value``, where the original had ``old``, is printed in the mutated line."""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return any(value == n for a in self.altered for n in _numbers(a))
        if isinstance(value, str) and value.isdigit() and value.isascii():
            # a number kept as text, printed in another base (a KAME zone: fe80:11:: is 17)
            return any(int(value) == n for a in self.altered for n in _numbers(a))
        words = str(value).split()
        if field in SHIFTABLE and all(w in self.words for w in words):
            return True
        kept = str(old).split() if isinstance(old, str) else []
        return all(w in kept or any(w in a for a in self.altered) for w in words)


def _numbers(word: str) -> list[float]:
    """The numbers printed in ``word``, decimal or hex."""
    found = re.findall(r"-?0x[0-9a-fA-F]+|-?(?:\d+(?:\.\d*)?|\.\d+)", word)
    hexadecimal = [int(n, 16) for n in re.findall(r"[0-9a-fA-F]+", word)]
    return [int(n, 16) if "x" in n else float(n) for n in found] + hexadecimal


def novel(field: str, old: Any, new: Any, own: Own | None) -> list[str]:
    """The invented values in ``new``, ``field``'s value in a record of a mutated capture.

    A value is not invented when it is null (lost), equal to ``old`` (whitespace aside), or, in
    the record of the mutated line (``own``), explained by that line (see ``Own``, SHIFTABLE).
    Lists are compared as sets (a duplicated column repeats a flag), dicts key by key.  Anything
    else is invented: a column's value moved into another field, a value of another line, a
    default standing in for a missing column.
    """
    if new is None or new == old or _spaced(new) == _spaced(old):
        return []
    if isinstance(new, dict):
        before = old if isinstance(old, dict) else {}
        return [
            x
            for k, v in new.items()
            if k in before or own is None or not own.names(k)
            for x in novel(f"{field}.{k}", before.get(k), v, own)
        ]
    if isinstance(new, list):
        before = old if isinstance(old, list) else []
        return [
            x
            for v in new
            if all(novel(field, b, v, own) for b in before)
            for x in novel(field, None, v, own)
        ]
    if own is not None and own.explains(field, new, old):
        return []
    return [f"{field}={new!r} (was {old!r})"]


def _spaced(value: Any) -> Any:
    return " ".join(value.split()) if isinstance(value, str) else value


def invented(original: nn.Record, record: nn.Record, own: Own | None) -> list[str]:
    """The invented values of ``record``, a mutated capture's reading of ``original``."""
    found = []
    # a value filling its column, flagged as maybe cut: its rest may be on a line moved away
    cut = [
        name
        for name in record.extra.get("cut", ())
        if isinstance(getattr(record, name, None), str)
        and str(getattr(original, name)).startswith(getattr(record, name))
    ]
    for name, value in record.to_dict().items():
        before = getattr(original, name)
        if name in CONTEXT or (own is not None and own.altered and name in DERIVED):
            continue
        if name in cut or (cut and name in DERIVED):
            continue
        if name == "extra" and ((own is not None and own.altered) or cut):
            value = {k: v for k, v in value.items() if k not in DERIVED_EXTRA}
            before = {k: v for k, v in before.items() if k not in DERIVED_EXTRA}
        found += novel(name, before, value, own)
    return found


def check(mutated: Mutated) -> nn.ParseResult:
    """Parse a mutated capture and check every invariant; the result, for further checks."""
    capture = mutated.capture
    result = nn.parse(mutated.text, dialect=capture.dialect, command=capture.command)
    check_accounting(mutated.text, result)
    owner = capture.owner(mutated.target) if mutated.target in capture.data else None
    words = line_words(mutated.made)
    for record in result.records:
        origin = mutated.origin[record.source["line"] - 1]
        assert origin in capture.records, (
            f"{capture.name}, {mutated.what}: a record from line {record.source['line']} "
            f"({mutated.lines[record.source['line'] - 1]!r}), which held none"
        )
        own = None
        if origin == owner:
            own = Own(frozenset(mutated.altered), words)
        bad = min((invented(o, record, own) for o in capture.every[origin]), key=len)
        assert not bad, (
            f"{capture.name}, {mutated.what}: line {record.source['line']} "
            f"{mutated.lines[record.source['line'] - 1]!r} invents {bad}"
        )
    return result


def line_words(lines: Iterable[str]) -> frozenset[str]:
    """The words of ``lines``, and of each its program (``pid/program``) and bracketed text."""
    found = set()
    for word in (w for line in lines for w in line.split()):
        pid, slash, program = word.partition("/")
        found.update((word, word.strip("[]"), program if slash and pid.isdigit() else word))
    return frozenset(found)


def check_accounting(text: str, result: nn.ParseResult) -> None:
    total = len(split_lines(text))
    assert sum(result.lines.values()) == total, (result.lines, total)
    assert result.lines["unparsed"] == len(result.diagnostics)
    numbers = [d.line for d in result.diagnostics]
    assert len(set(numbers)) == len(numbers)
    assert all(1 <= n <= total for n in numbers)


@cache
def grammar_of(dialect: str):
    cls = nn.dialect_class(dialect)
    return cls(None).lines, cls.sections


def check_paths_agree(dialect: str, lines: list[str]) -> None:
    """The fast path and the LALR parser give the same kind and values, or both reject."""
    grammar, sections = grammar_of(dialect)
    for line in lines:
        line = line.rstrip("\r\n")
        for section in sections:
            fast = grammar.match(line, section)
            try:
                exact = grammar.parse_exact(line, section)
            except LineError:
                exact = None
            assert fast == exact, f"{dialect}/{section}: {line!r}"


# -- the tests -----------------------------------------------------------------------------------
DIALECTS = nn.dialects()


@pytest.mark.parametrize("dialect", DIALECTS)
@PROFILE
@given(data=st.data())
def test_mutated_line_invents_nothing(dialect: str, data: st.DataObject) -> None:
    mutated = data.draw(mutated_lines(dialect))
    check(mutated)
    check_paths_agree(dialect, mutated.made)


@pytest.mark.parametrize("dialect", DIALECTS)
@PROFILE
@given(data=st.data())
def test_swapped_columns_invent_nothing(dialect: str, data: st.DataObject) -> None:
    mutated = data.draw(swapped_columns(dialect))
    check(mutated)
    check_paths_agree(dialect, mutated.made)


@pytest.mark.parametrize("dialect", DIALECTS)
@PROFILE
@given(data=st.data())
def test_moved_lines_keep_the_other_rows(dialect: str, data: st.DataObject) -> None:
    mutated = data.draw(moved_lines(dialect))
    result = check(mutated)
    if mutated.origin.count(None):
        inserted = mutated.origin.index(None) + 1
        assert inserted not in {r.source["line"] for r in result.records}


LINE_SOUP = st.lists(
    st.one_of(
        st.sampled_from(sorted({line for c in CAPTURES for line in c.lines})),
        st.text(st.characters(codec="utf-8"), max_size=40),
    ),
    max_size=12,
).map("\n".join)
"""Text made of fixture lines of every dialect and random lines."""


@pytest.mark.parametrize("dialect", ["auto", *nn.dialects()])
@PROFILE
@given(text=LINE_SOUP)
def test_any_text_parses_with_every_line_accounted_for(dialect: str, text: str) -> None:
    try:
        result = nn.parse(text, dialect=dialect)
    except nn.DetectionError:
        assert dialect == "auto"
        return
    check_accounting(text, result)


@PROFILE
@given(data=st.binary(max_size=300))
def test_any_bytes_parse_with_every_line_accounted_for(data: bytes) -> None:
    try:
        result = nn.parse(data)
    except nn.DetectionError:
        return
    check_accounting(data.decode(result.encoding or "utf-8", ERRORS), result)


@pytest.mark.parametrize(
    "capture",
    CAPTURES,
    ids=lambda c: c.name,
)
def test_every_row_cut_at_every_column(capture: Capture) -> None:
    """Every row cut after its k-th column, for each k at once: diagnostics or original values."""
    rows = {n: list(re.finditer(r"\S+", capture.lines[n - 1])) for n in capture.records}
    for k in range(1, max(map(len, rows.values()), default=0)):
        lines = list(capture.lines)
        for n, words in rows.items():
            lines[n - 1] = lines[n - 1][: words[min(k, len(words)) - 1].end()]
        text = "".join(line + "\n" for line in lines)
        result = nn.parse(text, dialect=capture.dialect, command=capture.command)
        check_accounting(text, result)
        for record in result.records:
            n = record.source["line"]
            own = Own(frozenset(), line_words([lines[n - 1]]))
            bad = min((invented(o, record, own) for o in capture.every[n]), key=len)
            assert not bad, f"{capture.name}, rows cut after column {k}: line {n} invents {bad}"


@PROFILE
@given(text=LINE_SOUP, dialect=st.sampled_from(["auto", *nn.dialects()]))
def test_the_command_line_never_fails_with_a_traceback(text: str, dialect: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "capture.txt")
        path.write_text(text, "utf-8", newline="")
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = cli.main(["parse", "--dialect", dialect, str(path)])
    assert "Traceback" not in err.getvalue()
    if code == 2:
        assert dialect == "auto" and "no dialect recognises" in err.getvalue()
    else:
        said = err.getvalue().splitlines()
        unparsed = [line for line in said if not line.startswith("netstat-normalizer: ")]
        assert code == (1 if unparsed else 0)  # an empty file is said to be so, exit 0
        assert isinstance(json.loads(out.getvalue()), list)
