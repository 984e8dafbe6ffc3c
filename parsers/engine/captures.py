"""Files that hold several captures back to back: split them, detect each, label their records.

A new capture starts at a line matching the capture marker (whose named groups ``host`` and
``time`` label the capture), where the capture's first title or header comes again after records
(``netstat -c``, a loop of ``ss``), or, when dialects are detected, at another dialect's title or
header that the current dialect rejects.  Captures are numbered from 0 within their file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from datetime import datetime, timezone
from functools import cache
from itertools import chain
from typing import Any

from ..dialects import DIALECTS
from ..dialects.base import Boundary, Dialect
from ..errors import DetectionError
from ..io.reader import OverlongLine
from ..model.record import Diagnostic, Record
from .detect import detect, rank

DETECT_LINES = 64
"""How many non-blank lines of a capture detection reads before its parsing starts."""
DETECT_MAX_LINES = 4096
DETECT_MAX_CHARS = 1 << 20
"""The most lines, and characters, detection holds whatever they are (blank lines before a
capture's first non-blank one are counted, not held): memory stays bounded."""
_OPENING_KINDS = ("title", "header", "warning")
_TIME_FORMATS = ("%a %b %d %H:%M:%S %Z %Y", "%a %b %d %H:%M:%S %Y", "%Y-%m-%d %H:%M:%S")
"""Besides ISO 8601, RFC 2822 and epoch seconds: ``date``'s default output, a plain timestamp."""


def iter_captures(
    lines: Iterable[str],
    dialect: str,
    options: Mapping[str, Any],
    accounting: dict[str, int],
    *,
    marker: re.Pattern[str] | None = None,
    host: str | None = None,
    meta: Mapping[str, str] | None = None,
) -> Iterator[Record | Diagnostic]:
    """Records and diagnostics of every capture in ``lines``, in input order.

    ``dialect`` is a registered name or ``auto``; ``options`` are the dialect's ``path``,
    ``command`` and ``member``; ``accounting`` receives the line counts.  ``meta``'s
    keys ``host`` and ``captured_at`` fill those fields where no marker (or ``host``) does; its
    other keys go to each record's ``meta``.  Raises DetectionError when no dialect recognises
    the first capture of a file without markers.
    """
    default, fields = labels_of(host, meta)
    labels = default
    rest = iter(lines)
    pending: list[str] = []
    number, capture = 1, 0
    name: str | None = None if dialect == "auto" else dialect
    while True:
        if name:
            head = pending
        else:
            blank, head = _head(pending, rest, marker)
            number += blank
            accounting["other"] += blank
        if name is None:
            name = _detect(head, marker, first=capture == 0 and marker is None)
        before = accounting["record"] + accounting["unparsed"]
        if name is None:
            boundary = yield from _unrecognised(
                chain(head, rest), number, marker, options, accounting
            )
            opened = True
        else:
            parser = _parser(name, options, accounting, marker, foreign=dialect == "auto")
            parser.label(capture, labels["host"], labels["captured_at"], fields)
            yield from parser.run(chain(head, rest) if head else rest, number)
            boundary = parser.boundary and (parser.boundary, parser.line)
            opened = parser.opening is not None
        if not boundary:
            return
        (text, why), at = boundary
        left = head[at - number + 1 :]  # read ahead for detection, not parsed yet
        number = at
        if why != "marker":  # the line opens the next capture: parse it again there
            capture, pending = capture + 1, [text, *left]
            name = name if why == "repeat" else None
            continue
        if opened or accounting["record"] + accounting["unparsed"] > before:
            capture += 1
        labels, problem = _labels(marker.search(text.rstrip("\r\n")), default)  # type: ignore[union-attr]
        if problem is None:
            accounting["other"] += 1
        else:
            accounting["unparsed"] += 1
            text = text.rstrip("\r\n")
            yield Diagnostic(options["path"], number, text, problem, options["member"])
        number, pending = number + 1, left
        name = None if dialect == "auto" else dialect


def labels_of(
    host: str | None, meta: Mapping[str, str] | None
) -> tuple[dict[str, str | None], dict[str, str]]:
    """The ``host`` and ``captured_at`` of captures no marker labels, and the other meta fields."""
    fields = dict(meta or {})
    labels = {"host": fields.pop("host", None), "captured_at": fields.pop("captured_at", None)}
    labels["host"] = host or labels["host"]
    return labels, fields


def _head(
    pending: list[str], rest: Iterator[str], marker: re.Pattern[str] | None
) -> tuple[int, list[str]]:
    """How many blank lines open the capture (counted, not held), and the lines detection reads
    after them: up to DETECT_LINES non-blank ones, ending at a marker line, at most
    DETECT_MAX_LINES lines and DETECT_MAX_CHARS characters."""
    head: list[str] = []
    blank = seen = size = 0
    for line in pending:
        if not head and _blank(line, marker):
            blank += 1
        else:
            head.append(line)
            size += len(line)
    for line in rest:
        if not head and _blank(line, marker):
            blank += 1
            continue
        head.append(line)
        size += len(line)
        if _is_marker(marker, line):
            break
        if line.strip():
            seen += 1
        if seen >= DETECT_LINES or len(head) >= DETECT_MAX_LINES or size >= DETECT_MAX_CHARS:
            break
    return blank, head


def _blank(line: str, marker: re.Pattern[str] | None) -> bool:
    """A blank line (no overlong one, no marker), accounted for as ``other`` wherever it is."""
    return not line.strip() and type(line) is not OverlongLine and not _is_marker(marker, line)


def _is_marker(marker: re.Pattern[str] | None, line: str) -> bool:
    return marker is not None and marker.search(line.rstrip("\r\n")) is not None


def _detect(head: list[str], marker: re.Pattern[str] | None, *, first: bool) -> str | None:
    """The dialect of a capture's head: of those that read its first line as an opening line if
    any, else of all; None when no dialect recognises it (DetectionError for the first capture
    of a file without markers); any dialect when the head is blank."""
    found = [line.rstrip("\r\n") for line in head if not _is_marker(marker, line)]
    lines = [line for line in found if line.strip()]
    if not lines:
        return next(iter(DIALECTS))  # only blank lines: any dialect accounts for them
    claiming = claimants(None)(lines[0])
    if claiming:
        return _best(claiming, lines)
    try:
        return detect(found).dialect
    except DetectionError:
        if first:
            raise
        return None


def _parser(
    name: str,
    options: Mapping[str, Any],
    accounting: dict[str, int],
    marker: re.Pattern[str] | None,
    *,
    foreign: bool,
) -> Dialect:
    return DIALECTS[name](
        options["path"],
        options["command"],
        member=options["member"],
        accounting=accounting,
        marker=marker,
        foreign=claimants(DIALECTS[name].kin or DIALECTS[name].grammar) if foreign else None,
    )


def _unrecognised(
    lines: Iterable[str],
    first: int,
    marker: re.Pattern[str] | None,
    options: Mapping[str, Any],
    accounting: dict[str, int],
) -> Generator[Diagnostic, None, tuple[Boundary, int] | None]:
    """A capture no dialect recognises: each non-blank line up to the next marker is a
    diagnostic. Returns the marker line and its number, or None at the end of the input."""
    for number, raw in enumerate(lines, first):
        line = raw.rstrip("\r\n")
        if not line.strip():
            accounting["other"] += 1
        elif _is_marker(marker, line):
            return Boundary(raw, "marker"), number
        else:
            accounting["unparsed"] += 1
            reason = "no dialect recognises this capture"
            yield Diagnostic(options["path"], number, line, reason, options["member"])
    return None


@cache
def claimants(kin: str | None) -> Callable[[str], list[str]]:
    """The dialects, of other kin than ``kin`` (a ``Dialect.kin``, or the grammar of a dialect
    with none), that read a line as one opening a capture (a title, header or leading warning)."""
    others = [(d.name, d.line_grammar()) for d in DIALECTS.values() if (d.kin or d.grammar) != kin]
    opening = [
        frozenset(k for s in lines.sections for k in lines.kinds(s) if k.endswith(_OPENING_KINDS))
        for _, lines in others
    ]

    def claim(line: str) -> list[str]:
        found = []
        for (name, lines), kinds in zip(others, opening):
            if not lines.may_be(line, kinds):  # a quick test before the fast path
                continue
            for section in lines.sections:
                kind = lines.match(line, section)
                if kind is not None and kind[0].endswith(_OPENING_KINDS):
                    found.append(name)
                    break
        return found

    return claim


def _best(names: list[str], head: list[str]) -> str:
    """Of dialects claiming a capture's first line, the one detection rates best on its head."""
    if len(names) == 1:
        return names[0]
    return next(d.dialect for d in rank(head) if d.dialect in names)


def _labels(
    found: re.Match[str] | None, default: dict[str, str | None]
) -> tuple[dict[str, str | None], str | None]:
    """A marker's host and time over the defaults, and what is wrong with the time if anything."""
    groups = found.groupdict() if found is not None else {}
    labels = dict(default)
    if groups.get("host"):
        labels["host"] = groups["host"]
    if not groups.get("time"):
        return labels, None
    stamp = iso_time(groups["time"])
    if stamp is None:
        return labels, f"capture marker time {groups['time']!r} is not a recognised time"
    labels["captured_at"] = stamp
    return labels, None


def iso_time(text: str) -> str | None:
    """``text`` as an ISO 8601 time (ISO 8601, RFC 2822, ``date``'s output, epoch seconds)."""
    text = text.strip()
    if re.fullmatch(r"\d{9,11}(?:\.\d+)?", text):
        return datetime.fromtimestamp(float(text), timezone.utc).isoformat()
    try:
        return datetime.fromisoformat(text).isoformat()
    except ValueError:
        pass
    try:
        from email.utils import parsedate_to_datetime  # 4 ms to import: only for a marker

        return parsedate_to_datetime(text).isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    for form in _TIME_FORMATS:
        try:
            found = datetime.strptime(text, form)
        except ValueError:
            continue
        if " UTC " in text or " GMT " in text:
            found = found.replace(tzinfo=timezone.utc)
        return found.isoformat()
    return None


def host_from_path(pattern: str | None, path: str, member: str | None = None) -> str | None:
    """The group ``host`` of ``pattern`` searched in ``path`` (``path/member`` for a member)."""
    if pattern is None:
        return None
    found = re.search(pattern, path if member is None else f"{path}/{member}")
    return found.group("host") if found else None
