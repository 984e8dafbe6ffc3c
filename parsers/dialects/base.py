"""The dialect base class: drives a line grammar over input and turns line kinds into records.

A dialect is a class with a grammar file, its sections (the grammar's start rules, the first being
where input starts) and one handler method per line kind, named after the kind, in the manner of a
Lark transformer.  A handler returns a new Record, ``None`` for a recognised line that is no record
(title, header, warning), or ``CONTINUES`` when the line adds to the record above it; it raises
``RowError`` for a line that parses but makes no sense (an unknown state word).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, ClassVar, NamedTuple

from ..grammar.linegrammar import LineError, Parsed, line_grammar
from ..io.decode import ERRORS, has_undecodable
from ..io.reader import HEAD_CHARS, MAX_LINE, OverlongLine
from ..model.addresses import Endpoint
from ..model.record import Diagnostic, Record
from ..model.states import TCP_STATES

_OPENING_KINDS = ("title", "header")
"""Line kinds that open a capture: seen again after records, they start the next one."""
_SUSPECT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
    "\ud800-\udfff]"
)
"""Characters no netstat or ss prints (tabs aside): control characters, Unicode whitespace
(which would separate fields as a space does), lone surrogates (undecodable bytes, see
``decode.ERRORS``, or a broken ``str``).  All unprintable, so only a line ``str.isprintable``
rejects is searched."""
_NUMBER = re.compile(r"\d+(?:_\d+)*")
"""What ``int()`` reads as a decimal number (Unicode digits, underscores between them)."""
MAX_DIGITS = 4300
"""The most digits of a number on a line: ``int()`` refuses more (Python's default
``sys.get_int_max_str_digits()``), and no netstat prints a number a tenth as long."""

_BOOKKEEPING = frozenset(
    ("path", "command", "member", "line", "lines", "accounting", "marker", "foreign")
) | frozenset(("boundary", "_handlers", "_labels", "_last"))
"""Attributes that are no table knowledge (``_last``: the record continuation lines add to)."""

MAX_CONTINUATIONS = 256
"""The most continuation lines (ss details, Windows owner lines, ifconfig lines...) one record
takes; the lines past it are reported as unparsed, so a record's size stays bounded."""

CONTINUES = object()
"""Returned by a handler whose line belongs to the record above it."""

Handler = Callable[[list], "Record | object | None"]


class Boundary(NamedTuple):
    """A line that starts another capture, and why: ``marker``, ``repeat`` or ``foreign``."""

    line: str
    reason: str


class RowError(ValueError):
    """A line that parses but cannot be a true record; the message is the reason."""


class Dialect:
    """One dialect; subclasses set the class attributes and define a handler per line kind."""

    name: ClassVar[str]
    grammar: ClassVar[str]
    sections: ClassVar[tuple[str, ...]]
    priority: ClassVar[int] = 0
    """Breaks ties in detection: the higher wins."""
    weak_kinds: ClassVar[frozenset[str]] = frozenset()
    """Line kinds too unspecific to claim a text by themselves (continuations, bare names)."""

    def __init__(self, path: str | None = None, command: str | None = None) -> None:
        self.path = path
        self.command = command
        self.section = self.sections[0]
        self.line = 0
        self.lines = line_grammar(self.grammar, self.sections)
        self._handlers: dict[str, Handler] = {}
        self.accounting = {"record": 0, "other": 0, "unparsed": 0}
        self.member: str | None = None
        """The archive member being read, when ``path`` is an archive."""
        self.label(0)
        self.marker: re.Pattern[str] | None = None
        """Lines it matches separate captures."""
        self.foreign: Callable[[str], object] | None = None
        """Says (truthy) whether a rejected line opens a capture of another dialect."""
        self.opening: str | None = None
        """The capture's first title or header line."""
        self._last: Record | None = None
        """The record above: continuation lines add to it (reset by each new record)."""
        self.boundary: Boundary | None = None
        """Where ``run`` stopped: the line that starts the next capture, and why."""

    # -- driving ------------------------------------------------------------------------------
    def run(self, lines: Iterable[str], first: int = 1) -> Iterator[Record | Diagnostic]:
        """Records and diagnostics for ``lines`` (with or without line ends), in input order,
        numbering lines from ``first``.

        Stops early, setting ``boundary``, at a line that starts another capture: one matching
        ``marker``, the capture's first title or header seen again after records, or (when
        ``foreign`` is set) a line after the first that this dialect rejects and ``foreign``
        says opens a capture of another dialect.
        """
        pending: Record | None = None
        continued = 0  # continuation lines of the record above
        continuing: set[str] = set()  # the line kinds seen continuing a record
        counts = self.accounting
        marker = self.marker
        match = self.lines.match
        handlers = self._handlers
        for self.line, raw in enumerate(lines, first):
            if type(raw) is OverlongLine or len(raw) > MAX_LINE:
                counts["unparsed"] += 1
                head, reason = _overlong(raw)
                self.unparsed(head)
                yield self.diagnostic(head, reason)
                continue
            line = raw.rstrip("\r\n")
            if not line or line.isspace():
                counts["other"] += 1
                self.blank()
                continue
            if marker is not None and marker.search(line):
                self.boundary = Boundary(raw, "marker")
                break
            if (not line.isprintable() and _SUSPECT.search(line) is not None) or (
                len(line) > MAX_DIGITS and _too_long_number(line)
            ):
                counts["unparsed"] += 1
                self.unparsed(line)
                yield self.diagnostic(line, _suspect(line))
                continue
            try:
                kind, values = match(line, self.section) or self.classify(line)
                if continued >= MAX_CONTINUATIONS and kind in continuing:
                    counts["unparsed"] += 1
                    reason = f"more than {MAX_CONTINUATIONS} continuation lines for one record"
                    yield self.diagnostic(line, reason)
                    continue
                result = (handlers.get(kind) or self.handler(kind))(values)
            except (LineError, RowError) as err:
                if self.foreign is not None and self.line > first and self.foreign(line):
                    self.boundary = Boundary(raw, "foreign")
                    break
                counts["unparsed"] += 1
                self.unparsed(line)
                yield self.diagnostic(line, str(err))
                continue
            if type(result) is Record:
                counts["record"] += 1
                continued = 0
                if pending is not None:
                    yield pending
                pending = self._last = result
            elif result is None:
                if kind.endswith(_OPENING_KINDS):
                    if self.opening is None:
                        self.opening = line
                    elif line == self.opening and pending is not None:
                        self.boundary = Boundary(raw, "repeat")
                        break
                counts["other"] += 1
            elif pending is None:  # CONTINUES, with no record above
                counts["unparsed"] += 1
                self.unparsed(line)
                yield self.diagnostic(line, "continuation line with no record above it")
            else:  # CONTINUES: the line is part of the record above
                counts["record"] += 1
                continued += 1
                continuing.add(kind)
        if pending is not None:
            yield pending

    def classify(self, line: str) -> Parsed:
        """The line's kind and values: the current section's fast path, then the other sections',
        then the exact parser (whose error says why the line is not accepted)."""
        for section in dict.fromkeys((self.section, *self.sections)):  # each once
            found = self.lines.match(line, section)
            if found is not None:
                self.section = section
                return found
        return self.lines.parse_exact(line, self.section)

    def handler(self, kind: str) -> Handler:
        try:
            return self._handlers[kind]
        except KeyError:
            found: Handler = getattr(self, kind)
            self._handlers[kind] = found
            return found

    def blank(self) -> None:
        """Called for each blank line; dialects whose blank lines end a block override it."""

    def unparsed(self, line: str) -> None:
        """Called with each line that becomes a diagnostic: dialects whose continuation lines add
        to the record above forget it (unless the line is itself a continuation), lest a
        rejected row's lines join another."""

    def continues(self, line: str, kinds: frozenset[str]) -> bool:
        """Whether the fast path reads ``line`` as one of these (continuation) kinds."""
        found = self.lines.match(line, self.section)
        return found is not None and found[0] in kinds

    def state(self) -> dict[str, Any]:
        """What the dialect has learnt of the table (section, columns...): its attributes but
        the base class's bookkeeping and records held for continuation lines."""
        return {
            k: v
            for k, v in vars(self).items()
            if k not in _BOOKKEEPING and not isinstance(v, Record)
        }

    def label(
        self,
        capture: int,
        host: str | None = None,
        captured_at: str | None = None,
        meta: dict[str, str] | None = None,
    ) -> None:
        """Set the capture fields every record from now on carries."""
        self._labels = (self.name, capture, host, captured_at, {} if meta is None else meta)

    # -- helpers for handlers -----------------------------------------------------------------
    def record(self, **fields: Any) -> Record:
        """A record of this dialect, sourced at the current line."""
        source = {"path": self.path, "member": self.member, "line": self.line}
        return Record(*self._labels, source=source, **fields)

    def socket(
        self,
        proto: str | None,
        ip_version: int | None,
        here: Endpoint,
        there: Endpoint,
        state: str | None = None,
        state_raw: str | None = None,
        recv_q: int | None = None,
        send_q: int | None = None,
        pid: int | None = None,
        program: str | None = None,
        user: str | None = None,
        inode: int | None = None,
        timer: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Record:
        """A socket record from two split endpoints: ``record`` for the hot path, built
        positionally (a third of the time of keywords)."""
        return Record(
            *self._labels,
            "socket",
            proto,
            ip_version,
            *here,
            *there,
            state,
            state_raw,
            recv_q,
            send_q,
            pid,
            program,
            user,
            inode,
            timer,
            {} if extra is None else extra,
            {"path": self.path, "member": self.member, "line": self.line},
        )

    def diagnostic(self, text: str, reason: str) -> Diagnostic:
        """A diagnostic for the current line."""
        return Diagnostic(self.path, self.line, text, reason, self.member)

    @staticmethod
    def tcp_state(word: str | None) -> str | None:
        """The canonical state of a TCP state word; RowError when the word is unknown."""
        if word is None:
            return None
        try:
            return TCP_STATES[word]
        except KeyError:
            raise RowError(f"unknown TCP state {word!r}") from None


def _overlong(raw: str) -> tuple[str, str]:
    """The text and reason of a diagnostic for a line longer than ``MAX_LINE``."""
    length = raw.length if isinstance(raw, OverlongLine) else len(raw.encode("utf-8", ERRORS))
    return raw[:HEAD_CHARS], f"line of {length} bytes, longer than {MAX_LINE}"


def _too_long_number(line: str) -> bool:
    """Whether ``line`` holds a number of more than ``MAX_DIGITS`` digits."""
    return any(len(found[0]) - found[0].count("_") > MAX_DIGITS for found in _NUMBER.finditer(line))


def _suspect(line: str) -> str:
    """Why a line holding ``_SUSPECT`` characters, or too long a number, is not read."""
    if has_undecodable(line):
        return "bytes the encoding cannot decode"
    found = _SUSPECT.search(line)
    if found is None:
        return f"a number of more than {MAX_DIGITS} digits"
    char = found[0]
    what = (
        "lone surrogate"
        if "\ud800" <= char <= "\udfff"
        else "Unicode whitespace"
        if char.isspace()
        else "control character"
    )
    return f"{what} U+{ord(char):04X} in the line"
