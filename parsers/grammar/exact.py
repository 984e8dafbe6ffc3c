"""The LALR reference parser of a line grammar, and why it rejects a line, in the tables' words.

Imported only when a line needs it (a line the fast path does not take, or a fast path to build),
so a run whose lines all take the fast path never loads Lark.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any, cast

import lark.lexer
from lark import Lark, Token, Transformer, UnexpectedInput
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

from ..resources import read_text

Parsed = tuple[str, list[str | None]]
"""A parsed line: the line kind and its values."""


class _KindTuples(Transformer[Token, Any]):
    """Turns each line-kind rule into ``(kind, values)`` during the LALR parse, building no tree."""

    def __default__(self, data: Any, children: list[Any], meta: Any) -> Any:
        if len(children) == 1 and isinstance(children[0], tuple):
            return children[0]  # a section or a group of kinds: pass the line's kind through
        return str(data), [None if c is None else str(c) for c in children]


_SWITCH = threading.Lock()
"""Held while Lark's collision search is switched off for one build."""


def open_lark(name: str, sections: tuple[str, ...], cache: str | bool, strict: bool) -> Lark:
    """The LALR parser of ``grammars/<name>.lark`` with these start sections (``cache``: Lark's
    cache file, or False).

    Unless ``strict``, Lark's search for colliding terminals is skipped: with ``interegular``
    installed it costs seconds per grammar, only to log at a level Lark keeps hidden (the strict
    test makes that check for every grammar)."""
    with _SWITCH:
        checks = lark.lexer.has_interegular
        lark.lexer.has_interegular = checks and strict
        try:
            return Lark.open_from_package(
                "netstat_normalizer.grammars",
                f"{name}.lark",
                parser="lalr",
                lexer="contextual",
                start=list(sections),
                maybe_placeholders=True,
                transformer=_KindTuples(),
                strict=strict,
                cache=cache,
            )
        finally:
            lark.lexer.has_interegular = checks


def parse(lark: Lark, line: str, section: str, blanks: str) -> Parsed:
    """Parse one line in ``section``; ``ValueError`` subclasses are the caller's: this raises
    ``Rejected`` with the reason and the column."""
    try:
        return cast(Parsed, lark.parse(line, start=section))
    except UnexpectedInput as err:
        err = _furthest(lark, line, section, err, blanks)
        raise Rejected(_explain(err, line), getattr(err, "column", 1) or 1) from None


class Rejected(Exception):
    """A line the parser rejects: why, and at which column."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.column = column


def _furthest(
    lark: Lark, line: str, section: str, err: UnexpectedInput, blanks: str
) -> UnexpectedInput:
    """The section's error, unless it is at the line's first field and another section (in
    their order) gets past it from a first field that names a row (a terminal of raised
    priority: ``tcp``, ``unix``, ``TCP``): a row of another table than the current one is
    then told what is wrong in its own terms."""
    if _reach(err, line) > len(line) - len(line.lstrip(blanks)) + 1:
        return err
    for other in lark.options.start:
        if other == section:
            continue
        try:
            lark.parse(line, start=other)
        except UnexpectedInput as found:
            if _reach(found, line) > _reach(err, line) and _named(lark, found):
                return found
    return err


def _named(lark: Lark, err: UnexpectedInput) -> bool:
    """Whether the parser had read a row's naming first field when it met ``err``."""
    parser = getattr(err, "interactive_parser", None)
    stack = parser.parser_state.value_stack if parser is not None else []
    first = stack[0] if stack else None
    if not isinstance(first, Token):
        return False
    terminal = next((t for t in lark.terminals if t.name == first.type), None)
    return terminal is not None and terminal.priority > 1


def _reach(err: UnexpectedInput, line: str) -> int:
    """How far into the line the parser got before ``err`` (a column)."""
    if isinstance(err, UnexpectedEOF) or getattr(getattr(err, "token", None), "type", "") == "$END":
        return len(line) + 1
    return getattr(err, "column", None) or 1


def _explain(err: UnexpectedInput, line: str) -> str:
    """Why a line is rejected, in the words of the tables: which field (and column) holds what
    instead of what (``field 4 (column 9): expected ADDRESS:PORT, got 'xx'``)."""
    column = getattr(err, "column", None) or 1
    if isinstance(err, UnexpectedEOF) or (
        isinstance(err, UnexpectedToken) and err.token.type == "$END"
    ):
        return f"line ends after field {len(line.split())}: expected {_expected(err.expected)}"
    field = len(line[: column - 1].split()) + 1
    where = f"field {field} (column {column})"
    if isinstance(err, UnexpectedToken):
        return f"{where}: expected {_expected(err.expected)}, got {str(err.token)!r}"
    if isinstance(err, UnexpectedCharacters):
        found = line[column - 1 :].split(maxsplit=1)[0][:40] if line[column - 1 :].strip() else ""
        allowed = getattr(err, "allowed", None)
        if allowed:
            return f"{where}: expected {_expected(allowed)}, got {found!r}"
        return f"{where}: cannot read {found!r}"
    return f"cannot parse at column {column}"


def _expected(terminals: Any) -> str:
    """The terminals' descriptions (``data/terminals.tsv``): rows' fields first, then lines."""
    names = {_describe(t) for t in terminals}
    lines = sorted(n for n in names if n.endswith(" line"))
    fields = sorted(names.difference(lines))
    said = fields + lines
    return " or ".join(said) if len(said) < 4 else ", ".join(said[:3]) + " or ..."


def _describe(terminal: str) -> str:
    described = _terminals()
    if terminal in described:
        return described[terminal]
    if terminal.endswith("HEADER"):
        return "a header line"
    if terminal.endswith("TITLE"):
        return "a title line"
    if terminal == "WARNING":
        return "a warning line"
    return "a keyword" if terminal.startswith("__") else terminal.lower()


@cache
def _terminals() -> dict[str, str]:
    """Terminal name -> what it stands for, in the tables' words."""
    text = read_text(__package__, "data/terminals.tsv")
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return {name: description for name, description in rows}
