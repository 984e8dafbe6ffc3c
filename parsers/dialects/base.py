"""The dialect base class: drives a line grammar over input and turns line kinds into records.

A dialect declares its grammar file, its sections (the grammar's start rules, the first being where
input starts), its tables and one handler method per row kind, named after the kind, in the manner
of a Lark transformer; titles, headers and quiet lines get defaults derived from the grammar (see
``Dialect``).  A handler returns a new Record, ``None`` for a recognised line that is no record
(title, header, warning), or ``CONTINUES`` when the line adds to the record above it (or, for a
line holding several, a list of Records); it raises
``RowError`` for a line that parses but makes no sense (an unknown state word).  A title or
header that the dialect reads only in part (a column it does not know) calls ``notice``: the line
stays a recognised one, and one record of kind ``notice`` follows it, saying what was not known.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from typing import Any, ClassVar, NamedTuple

from ..grammar.linegrammar import LineError, LineGrammar, Parsed, line_grammar
from ..io.decode import ERRORS, has_undecodable
from ..io.reader import HEAD_CHARS, MAX_LINE, OverlongLine
from ..model.addresses import Endpoint
from ..model.record import Diagnostic, Record, Source
from ..model.states import TCP_STATES, states_printed_by

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

MAX_CONTINUATIONS = 256
"""The most continuation lines (ss details, Windows owner lines, ifconfig lines...) one record
takes; the lines past it are reported as unparsed, so a record's size stays bounded."""

NO_ENDPOINT = Endpoint(None, None, None, None)
"""The endpoint of a socket whose row prints none (a listener's foreign address)."""
CONTINUES = object()
"""Returned by a handler whose line belongs to the record above it."""

Values = list[Any]
"""A line's values as the grammar gives them: the text of each kept terminal, or None."""
Handler = Callable[[Values], object]
"""A line kind's handler: a Record, None (no record), CONTINUES, or a non-empty list of Records
(a line holding several); RowError for a bad line."""


class Boundary(NamedTuple):
    """A line that starts another capture, and why: ``marker``, ``repeat`` or ``foreign``."""

    line: str
    reason: str


class RowError(ValueError):
    """A line that parses but cannot be a true record; the message is the reason."""


class TableState(NamedTuple):
    """What a dialect knows of the table it reads at a line: parallel parsing keeps a chunk only
    when the state it started in is the state the chunk before it ended in."""

    section: str
    table: str | None
    opening: str | None
    known: tuple[Any, ...]
    """The values of the dialect's ``table_fields`` (columns, inferred protocol...)."""


class FastRow(NamedTuple):
    """A table's plain rows read in one step, beside the general path (see ``Dialect.fast_row``)."""

    match: Callable[[str], re.Match[str] | None]
    """A regex's ``match``, taking only lines the general path would read as the row kind in the
    current table and section: without a line end, of printable ASCII (so no suspect character),
    far shorter than ``MAX_LINE`` (gaps bounded), with numbers of at most 20 digits."""
    build: Callable[[re.Match[str], int], Record | None]
    """The record of a matched line at a line number: the one the kind's method makes of it, or
    None to leave the line to the general path (which reads it, or says why not)."""


class _Plan(NamedTuple):
    """How a dialect class handles each line kind of its grammar."""

    methods: dict[str, str]
    """Kind -> the name of its handler method."""
    defaults: dict[str, Callable[..., None]]
    """Kind -> the default handler of a title, header or quiet kind without a method."""
    places: dict[str, tuple[frozenset[str | None], str]]
    """Row kind -> the tables it may be read in, and its table's name for a diagnostic."""
    openers: dict[str, Callable[..., None]]
    """Title or header kind -> what it does by default (``Dialect.opened``)."""
    kinds: dict[str, frozenset[str]]
    """Section -> the line kinds its start rule lists."""


class Dialect:
    """One dialect, declared: its grammar, sections, tables and the handlers that type its rows.

    The base gives every line kind that has no method of its own a default, derived from the
    grammar: a title or header (a kind ending ``title`` or ``header``) opens the section that
    ``opens`` names, or its terminal's named group, or its name (``inet_header``: ``inet``),
    else it opens none; a ``quiet`` kind (warning, rule) is read and changes nothing.  A row kind
    (one with a method) is read only in the tables of the sections whose start rule lists it:
    in another table, it is a misplaced row.
    """

    name: ClassVar[str]
    grammar: ClassVar[str]
    sections: ClassVar[tuple[str, ...]]
    priority: ClassVar[int] = 0
    """Breaks ties in detection: the higher wins."""
    weak_kinds: ClassVar[frozenset[str]] = frozenset()
    """Line kinds too unspecific to claim a text by themselves (continuations, bare names)."""
    continuations: ClassVar[frozenset[str]] = frozenset()
    """Kinds that add to the record above: read in any table; an unparsed line of another kind
    ends what the record above may take (``unparsed``)."""
    quiet: ClassVar[frozenset[str]] = frozenset(("warning", "rule"))
    """Kinds of lines that are no record and tell nothing (elevation warnings, dashed rules)."""
    opens: ClassVar[Mapping[str, str]] = {}
    """Titles and headers whose name does not tell the section they open."""
    tables: ClassVar[Mapping[str, str]] = {}
    """Sections whose rows belong to another section's table (Linux ``ifconfig``: ``iface``)."""
    kin: ClassVar[str] = ""
    """Dialects of one kin (grammars importing one shared grammar, ``bsd_netstat``) read each
    other's titles and headers, so none is taken for another kin's capture starting (captures
    separate them by markers); a dialect with no kin is its grammar's only dialect."""
    tcp_states: ClassVar[Mapping[str, str]] = {}
    """The TCP state words this dialect prints -> their canonical states (``tcp_states.tsv``)."""
    repeats: ClassVar[bool] = False
    """Whether the dialect's titles and headers recur within one capture (OpenBSD prints both
    again for each block of sockets), so that a repeat starts no other capture."""
    table_fields: ClassVar[tuple[str, ...]] = ()
    """The attributes holding what the dialect learns of the table (``TableState.known``)."""

    _table: str | None = None
    text = ""
    """The line being read, without its line end: for a handler that must see its spacing."""
    opening: str | None = None
    """The capture's first title or header line."""
    boundary: Boundary | None = None
    """Where ``run`` stopped: the line that starts the next capture, and why."""
    _last: Record | None = None
    """The record above: continuation lines add to it (reset by each new record)."""
    _notices: list[Record] | None = None
    """Notices the current line's handler made (``notice``), yielded after it."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.tcp_states = states_printed_by(getattr(cls, "name", ""))
        cls._fast = cls.fast_row is not Dialect.fast_row

    _fast: ClassVar[bool] = False
    """Whether the dialect reads some rows in one step (it overrides ``fast_row``)."""

    def __init__(
        self,
        path: str | None = None,
        command: str | None = None,
        *,
        member: str | None = None,
        accounting: dict[str, int] | None = None,
        marker: re.Pattern[str] | None = None,
        foreign: Callable[[str], object] | None = None,
    ) -> None:
        """``member``: the archive member read, when ``path`` is an archive; ``accounting``:
        where line counts go; lines ``marker`` matches separate captures; ``foreign`` says
        (truthy) whether a rejected line opens a capture of another dialect."""
        self.path = path
        self.command = command
        self.member = member
        self.accounting = (
            {"record": 0, "other": 0, "unparsed": 0} if accounting is None else accounting
        )
        self.marker = marker
        self.foreign = foreign
        self.section = self.sections[0]
        self.line = 0
        self.lines = self.line_grammar()
        self._by_table: dict[str | None, dict[str, Handler]] = {None: {}}
        self._handlers = self._by_table[None]
        """The handlers of the current table's line kinds, by kind."""
        self.label(0)

    @classmethod
    def line_grammar(cls) -> LineGrammar:
        """The dialect's (cached) line grammar."""
        return line_grammar(cls.grammar, cls.sections)

    @classmethod
    def unhandled(cls) -> list[str]:
        """The grammar's line kinds with no handler, neither a method nor a default."""
        plan = _plan(cls)
        return [
            kind
            for section in cls.sections
            for kind in cls.line_grammar().kinds(section)
            if kind not in plan.methods and kind not in plan.defaults
        ]

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
        fast_match: Callable[[str], re.Match[str] | None] | None = None
        fast_build: Callable[[re.Match[str], int], Record | None] = _no_build
        stale = refresh = self._fast  # whether to ask ``fast_row`` again before the next line
        for self.line, raw in enumerate(lines, first):
            if stale:
                fast_match, fast_build = self.fast_row() or (None, _no_build)
                stale = False
            if (
                fast_match is not None
                and type(raw) is str
                and (found := fast_match(raw)) is not None
                and (marker is None or marker.search(raw) is None)
                and (built := fast_build(found, self.line)) is not None
            ):
                counts["record"] += 1
                continued = 0
                if pending is not None:
                    yield pending
                pending = self._last = built
                continue
            stale = refresh  # the general path may change the table or what is known of it
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
            self.text = line
            try:
                kind, values = match(line, self.section) or self.classify(line)
                if continued >= MAX_CONTINUATIONS and kind in continuing:
                    counts["unparsed"] += 1
                    reason = f"more than {MAX_CONTINUATIONS} continuation lines for one record"
                    yield self.diagnostic(line, reason)
                    continue
                result = (handlers.get(kind) or self.handler(kind))(values)
            except (LineError, RowError) as err:
                self._notices = None  # of a line that is not read after all
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
                handlers = self._handlers  # a title or header may have opened another table
                if kind.endswith(_OPENING_KINDS):
                    if self.opening is None:
                        self.opening = line
                    elif line == self.opening and pending is not None and not self.repeats:
                        self.boundary = Boundary(raw, "repeat")
                        break
                counts["other"] += 1
                if self._notices:
                    if pending is not None:
                        yield pending
                    yield from self._notices
                    pending = self._notices = None
            elif type(result) is list:  # the records of one line, in order (none empty)
                counts["record"] += 1
                continued = 0
                if pending is not None:
                    yield pending
                *before, pending = result
                yield from before
                self._last = pending
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

    def fast_row(self) -> FastRow | None:
        """How the current table's plain rows are read in one step, if they can be: asked before
        the first line and after each line the general path reads (which may change the section,
        the table or what the dialect knows of it); see ``FastRow``.  None: every line takes the
        general path."""
        return None

    def reads(self, kind: str) -> bool:
        """Whether a line of row kind ``kind`` is now read by its method: the current section
        lists the kind, and the current table is one it may be read in."""
        plan = _plan(type(self))
        place = plan.places.get(kind)
        return kind in plan.kinds[self.section] and (place is None or self.table in place[0])

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
        """The handler of ``kind`` in the current table (see the class docstring)."""
        try:
            return self._handlers[kind]
        except KeyError:
            pass
        plan = _plan(type(self))
        place = plan.places.get(kind)
        found: Handler
        if place is not None and self.table not in place[0]:
            found = partial(_misplaced, f"a {place[1]} row in the {self.table} table")
        elif kind in plan.methods:
            found = getattr(self, plan.methods[kind])
        elif kind in plan.defaults:
            found = partial(plan.defaults[kind], self)
        else:
            raise NotImplementedError(f"{self.name}: no handler for line kind {kind!r}")
        self._handlers[kind] = found
        return found

    def opened(self, kind: str, values: Values) -> None:
        """What a title or header of ``kind`` does by default: open the section it tells."""
        _plan(type(self)).openers[kind](self, values)

    @property
    def table(self) -> str | None:
        """The table (section) the title or header above opened; None before one."""
        return self._table

    @table.setter
    def table(self, section: str | None) -> None:
        self._table = section
        self._handlers = self._by_table.setdefault(section, {})

    def enter(self, section: str) -> None:
        """Go to ``section``: its table's rows are read from now on."""
        self.section = self.table = section

    def blank(self) -> None:
        """Called for each blank line; dialects whose blank lines end a block override it."""

    def unparsed(self, line: str) -> None:
        """Called with each line that becomes a diagnostic: unless the line is itself one of
        the ``continuations``, the lines below add to no record (lest a rejected row's lines
        join another)."""
        if self.continuations and not self.continues(line, self.continuations):
            self._last = None

    def continues(self, line: str, kinds: frozenset[str]) -> bool:
        """Whether the fast path reads ``line`` as one of these (continuation) kinds."""
        found = self.lines.match(line, self.section)
        return found is not None and found[0] in kinds

    def state(self) -> TableState:
        """What the dialect has learnt of the table, as a value to compare."""
        known = tuple(getattr(self, name) for name in self.table_fields)
        return TableState(self.section, self.table, self.opening, known)

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
        source: Source = {"path": self.path, "member": self.member, "line": self.line}
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
        *,
        kind: str = "socket",
    ) -> Record:
        """A socket record from two split endpoints (``NO_ENDPOINT`` where none is printed):
        ``record`` for the hot path, built positionally (a third of the time of keywords)."""
        return Record(
            *self._labels,
            kind,
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

    def notice(self, reason: str, **extra: Any) -> None:
        """Report what the current (recognised, record-less) line holds that the dialect does
        not know: a record of kind ``notice`` with ``extra["notice"]`` the reason, yielded after
        the line's own result (a title or header returning None)."""
        found = self.record(kind="notice", extra={"notice": reason, **extra})
        self._notices = [*(self._notices or ()), found]

    def diagnostic(self, text: str, reason: str) -> Diagnostic:
        """A diagnostic for the current line."""
        return Diagnostic(self.path, self.line, text, reason, self.member)

    def tcp_state(self, word: str | None) -> str | None:
        """The canonical state of a TCP state word; RowError when the word is unknown, or is
        one this dialect never prints (another system's ``ESTAB``)."""
        if word is None:
            return None
        try:
            return self.tcp_states[word]
        except KeyError:
            if word in TCP_STATES:
                raise RowError(f"state word {word!r} is not printed by {self.name}") from None
            raise RowError(f"unknown TCP state {word!r}") from None


def _plan(cls: type[Dialect]) -> _Plan:
    """Each line kind's handler: a method named after it, else the default the grammar gives
    (worked out once per class)."""
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = _make_plan(cls)
    return plan


_PLANS: dict[type[Dialect], _Plan] = {}


def _make_plan(cls: type[Dialect]) -> _Plan:
    grammar = cls.line_grammar()
    listed: dict[str, list[str]] = {}
    for section in cls.sections:
        for kind in grammar.kinds(section):
            listed.setdefault(kind, []).append(cls.tables.get(section, section))
    every = {cls.tables.get(s, s) for s in cls.sections}
    kinds = {section: frozenset(grammar.kinds(section)) for section in cls.sections}
    plan = _Plan({}, {}, {}, {}, kinds)
    for kind, tables in listed.items():
        # a kind named like the base's own methods (run, record...) can have no handler
        name = kind if callable(getattr(cls, kind, None)) and not hasattr(Dialect, kind) else None
        opening = kind.endswith(_OPENING_KINDS)
        opener = _opener(cls, kind, grammar.patterns(kind)) if opening else None
        if opener is not None:
            plan.openers[kind] = opener
        if name is not None:
            plan.methods[kind] = name
            if not opening and kind not in cls.continuations and set(tables) != every:
                plan.places[kind] = (frozenset((None, *tables)), tables[0])
        elif opener is not None:
            plan.defaults[kind] = opener
        elif kind in cls.quiet:
            plan.defaults[kind] = _quiet
    return plan


def _opener(cls: type[Dialect], kind: str, patterns: list[str]) -> Callable[..., None] | None:
    """The default handler of a title or header: it opens the section ``opens`` names, or the
    one its terminal's named group matched, or the one its name begins with; None when none
    tells (the dialect then has a method)."""
    if kind in cls.opens:
        section = cls.opens[kind]
        return lambda self, values: self.enter(section)
    named = [p for p in patterns if "(?P<" in p]  # only these may name sections: compile them
    titles = [found for found in map(re.compile, named) if found.groupindex]
    unknown = {g for title in titles for g in title.groupindex} - set(cls.sections)
    if unknown:
        raise ValueError(f"{cls.name}: {kind} names no section {sorted(unknown)[0]!r}")
    if titles:

        def by_group(self: Dialect, values: Values) -> None:
            found = next(m for title in titles if (m := title.fullmatch(values[0])))
            self.enter(next(k for k, v in found.groupdict().items() if v is not None))

        return by_group
    section = kind.rpartition("_")[0]
    if section in cls.sections:
        return lambda self, values: self.enter(section)
    return None


def _no_build(found: re.Match[str], line: int) -> None:
    """The builder when there is no ``FastRow``."""


def _quiet(self: Dialect, values: Values) -> None:
    """A line that is no record and changes nothing."""


def _misplaced(reason: str, values: Values) -> None:
    """The handler of a row in a table it does not belong to."""
    raise RowError(reason)


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
