"""The parse pipeline: text or lines in, records and diagnostics out, every line accounted for."""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from ..dialects import DIALECTS, Dialect
from ..errors import DetectionError, UnknownDialectError, UnparsedLineError
from ..io.decode import decode
from ..io.reader import split_lines
from ..model.record import Diagnostic, Record
from .captures import iter_captures
from .detect import confidence, detect


@dataclass
class ParseResult:
    """What ``parse`` found: records, diagnostics, dialect, and how every line was accounted for."""

    dialect: str | None
    """The dialect of the first capture; None for a blank text."""
    records: list[Record] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)
    """Line counts: ``record`` (rows and their continuations), ``other`` (titles, headers, blank
    lines, warnings) and ``unparsed`` (one diagnostic each)."""
    encoding: str | None = None


def dialects() -> list[str]:
    """The names of the supported dialects."""
    return sorted(DIALECTS)


def dialect_class(name: str) -> type[Dialect]:
    """The dialect registered as ``name``; UnknownDialectError with a did-you-mean otherwise."""
    try:
        return DIALECTS[name]
    except KeyError:
        raise UnknownDialectError(name, dialects()) from None


def iter_parse(
    lines: Iterable[str],
    dialect: str = "auto",
    path: str | None = None,
    command: str | None = None,
    *,
    accounting: dict[str, int] | None = None,
    member: str | None = None,
    marker: str | re.Pattern[str] | None = None,
    host: str | None = None,
    meta: Mapping[str, str] | None = None,
) -> Iterator[Record | Diagnostic]:
    """Records and diagnostics in input order, streaming: only detection's sample is held.

    Lines holding undecodable bytes (lone surrogates, see ``decode.ERRORS``) or control
    characters become diagnostics.  ``accounting``, when given, receives the line counts as
    lines are read.
    ``path`` defaults to the name of a file object given as ``lines`` (``<stdin>`` for stdin).
    ``member`` names the archive member read from ``path``.  A file may hold several captures
    (see ``captures``): lines ``marker`` finds (``re.search``) separate them, its named groups
    ``host`` and ``time`` labelling the capture; ``host`` labels captures no marker labels;
    ``meta``'s keys ``host`` and ``captured_at`` are the last defaults, its others go to every
    record's ``meta``.
    """
    if dialect != "auto":
        dialect_class(dialect)
    if path is None and isinstance(getattr(lines, "name", None), str):
        path = lines.name  # type: ignore[attr-defined]  # a file object: its name
    counts = {"record": 0, "other": 0, "unparsed": 0} if accounting is None else accounting
    counts.update(dict.fromkeys(("record", "other", "unparsed"), 0))
    options = {"path": path, "command": command, "member": member}
    if isinstance(marker, str):
        marker = re.compile(marker)
    items = iter_captures(lines, dialect, options, counts, marker=marker, host=host, meta=meta)
    return items if path is None else _naming(items, path)


def _naming(items: Iterator[Record | Diagnostic], path: str) -> Iterator[Record | Diagnostic]:
    """``items``, a DetectionError (raised before the first item) naming ``path``."""
    try:
        first = next(items, None)
    except DetectionError as err:
        raise DetectionError(err.reason, path) from None
    if first is not None:
        yield first
        yield from items


def iter_records(
    lines: Iterable[str],
    dialect: str = "auto",
    path: str | None = None,
    command: str | None = None,
    on_diagnostic: Callable[[Diagnostic], None] | None = None,
) -> Iterator[Record]:
    """Records only, streaming. Each unparsed line goes to ``on_diagnostic``; without one, the first
    unparsed line raises UnparsedLineError (nothing is dropped silently)."""
    for item in iter_parse(lines, dialect, path, command):
        if isinstance(item, Record):
            yield item
        elif on_diagnostic is None:
            raise UnparsedLineError(str(item))
        else:
            on_diagnostic(item)


def parse(
    text: str | bytes,
    dialect: str = "auto",
    path: str | None = None,
    command: str | None = None,
    encoding: str | None = None,
    *,
    member: str | None = None,
    marker: str | re.Pattern[str] | None = None,
    host: str | None = None,
    meta: Mapping[str, str] | None = None,
) -> ParseResult:
    """Parse a whole capture or several (text, or bytes in any supported encoding); the keyword
    arguments are ``iter_parse``'s."""
    used = None
    if isinstance(text, bytes):
        text, used = decode(text, encoding, score=confidence)
    accounting: dict[str, int] = {}
    items = _without_gc(
        iter_parse(
            split_lines(text),
            dialect,
            path,
            command,
            accounting=accounting,
            member=member,
            marker=marker,
            host=host,
            meta=meta,
        )
    )
    name = next((i.dialect for i in items if isinstance(i, Record)), None)
    if name is None and text.strip():
        name = dialect if dialect != "auto" else detect(text).dialect
    return ParseResult(
        dialect=name,
        records=[i for i in items if isinstance(i, Record)],
        diagnostics=[i for i in items if isinstance(i, Diagnostic)],
        lines=accounting,
        encoding=used,
    )


def _without_gc(items: Iterable[Record | Diagnostic]) -> list[Record | Diagnostic]:
    """The items as a list, built with the cyclic garbage collector paused (restored after, even
    on an error): records hold no cycles, and a list that grows by thousands of records would
    otherwise have the collector walk them again and again (a third of ``parse``'s time)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return list(items)
    finally:
        if paused:
            gc.enable()
