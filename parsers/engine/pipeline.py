"""The parse pipeline: text or lines in, records and diagnostics out, every line accounted for."""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import cast

from ..dialects import DIALECTS
from ..dialects.base import Dialect
from ..errors import DetectionError, UnknownDialectError, UnparsedLineError
from ..io.decode import decode
from ..io.reader import ByteStream, open_lines, split_lines
from ..model.record import Diagnostic, Record
from ..options import ParseOptions
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


def check(options: ParseOptions) -> ParseOptions:
    """``options``, once its dialect is known: UnknownDialectError (with a did-you-mean) for a
    name that is not registered."""
    if options.dialect != "auto":
        dialect_class(options.dialect)
    return options


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
    if path is None and isinstance(getattr(lines, "name", None), str):
        path = lines.name  # type: ignore[attr-defined]  # a file object: its name
    options = ParseOptions(dialect, command, marker=marker, meta=tuple((meta or {}).items()))
    return iter_parse_with(
        lines, options, path=path, member=member, host=host, accounting=accounting
    )


def iter_parse_with(
    lines: Iterable[str],
    options: ParseOptions,
    *,
    path: str | None = None,
    member: str | None = None,
    host: str | None = None,
    accounting: dict[str, int] | None = None,
) -> Iterator[Record | Diagnostic]:
    """``iter_parse`` with its options as one value (``host``: see ``captures.host_from_path``
    for the one ``options.host_from_path`` finds in an input's path)."""
    check(options)
    counts = {"record": 0, "other": 0, "unparsed": 0} if accounting is None else accounting
    counts.update(dict.fromkeys(("record", "other", "unparsed"), 0))
    where = {"path": path, "command": options.command, "member": member}
    items = iter_captures(
        lines,
        options.dialect,
        where,
        counts,
        marker=options.marker_regex(),
        host=host,
        meta=options.meta_dict() or None,
    )
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


def iter_parse_stream(
    stream: ByteStream,
    options: ParseOptions,
    *,
    path: str | None = None,
    member: str | None = None,
    host: str | None = None,
    accounting: dict[str, int] | None = None,
) -> tuple[str, Iterator[Record | Diagnostic]]:
    """A binary stream's encoding (``options.encoding``, else sniffed from its head) and its
    records and diagnostics, streaming (see ``iter_parse_with``)."""
    encoding, lines = open_lines(stream, options.encoding, score=confidence)
    items = iter_parse_with(
        lines, options, path=path, member=member, host=host, accounting=accounting
    )
    return encoding, items


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
    options = ParseOptions(dialect, command, encoding, marker, meta=tuple((meta or {}).items()))
    return parse_with(text, options, path=path, member=member, host=host)


def parse_with(
    text: str | bytes,
    options: ParseOptions,
    *,
    path: str | None = None,
    member: str | None = None,
    host: str | None = None,
) -> ParseResult:
    """``parse`` with its options as one value (see ``iter_parse_with``)."""
    used = None
    if isinstance(text, bytes):
        text, used = decode(text, options.encoding, score=confidence)
    accounting: dict[str, int] = {}
    items = _without_gc(
        iter_parse_with(
            split_lines(text), options, path=path, member=member, host=host, accounting=accounting
        )
    )
    name = next((i.dialect for i in items if isinstance(i, Record)), None)
    if name is None and text.strip():
        name = options.dialect if options.dialect != "auto" else detect(text).dialect
    clean = not accounting["unparsed"]  # every diagnostic is an unparsed line's
    return ParseResult(
        dialect=name,
        records=cast(list[Record], items) if clean else [i for i in items if isinstance(i, Record)],
        diagnostics=[] if clean else [i for i in items if isinstance(i, Diagnostic)],
        lines=accounting,
        encoding=used,
    )


def _without_gc(items: Iterable[Record | Diagnostic]) -> list[Record | Diagnostic]:
    """The items as a list, built with the cyclic garbage collector paused (restored after, even
    on an error): records hold no cycles, and a list that grows by thousands of records would
    otherwise have the collector walk them again and again (a third of ``parse``'s time).  The
    objects made meanwhile are then moved to the oldest generation (``freeze`` and ``unfreeze``,
    unless something else keeps objects frozen), or the collector's next young collection, soon
    after, would walk them all once more (a seventh of ``parse``'s time on ss rows).  Other young
    objects of the process go there too: a cycle among them is collected later, not lost."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return list(items)
    finally:
        if paused:
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()
