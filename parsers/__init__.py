"""netstat-normalizer: netstat and ss output from many systems, as canonical typed records.

>>> result = parse(open("capture.txt", "rb").read())
>>> result.dialect, len(result.records), result.diagnostics
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain

from .decode import decode, has_undecodable
from .detect import Detection, detect, sample
from .dialects import DIALECTS, Dialect
from .errors import DetectionError, NetstatNormalizerError, UnknownDialectError, UnparsedLineError
from .record import Diagnostic, Record
from .states import TcpState

__all__ = [
    "Detection",
    "DetectionError",
    "Diagnostic",
    "NetstatNormalizerError",
    "ParseResult",
    "Record",
    "TcpState",
    "UnknownDialectError",
    "UnparsedLineError",
    "detect",
    "dialects",
    "iter_parse",
    "iter_records",
    "parse",
]


@dataclass
class ParseResult:
    """What ``parse`` found: records, diagnostics, dialect, and how every line was accounted for."""

    dialect: str
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
    lossy: bool = False,
    accounting: dict[str, int] | None = None,
) -> Iterator[Record | Diagnostic]:
    """Records and diagnostics in input order, streaming: only detection's sample is held.

    ``lossy`` says the text may hold undecodable bytes (as lone surrogates): such lines become
    diagnostics.  ``accounting``, when given, receives the line counts when the input ends.
    """
    lines = iter(lines)
    if dialect == "auto":
        head: list[str] = []
        for line in lines:
            head.append(line)
            if len(sample(head)) >= 64:
                break
        dialect = detect(head).dialect
        lines = chain(head, lines)
    parser = dialect_class(dialect)(path, command)
    parser.lossy = lossy
    yield from parser.run(lines)
    if accounting is not None:
        accounting.update(parser.accounting)


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
) -> ParseResult:
    """Parse a whole capture (text, or bytes in any supported encoding)."""
    used = None
    lossy = False
    if isinstance(text, bytes):
        text, used = decode(text, encoding, score=_best_score)
        lossy = has_undecodable(text)
    accounting: dict[str, int] = {}
    items = list(
        iter_parse(text.splitlines(), dialect, path, command, lossy=lossy, accounting=accounting)
    )
    name = next((i.dialect for i in items if isinstance(i, Record)), None) or (
        dialect if dialect != "auto" else detect(text).dialect
    )
    return ParseResult(
        dialect=name,
        records=[i for i in items if isinstance(i, Record)],
        diagnostics=[i for i in items if isinstance(i, Diagnostic)],
        lines=accounting,
        encoding=used,
    )


def _best_score(text: str) -> float:
    try:
        return detect(text).confidence
    except DetectionError:
        return 0.0
