"""The columnar route: a capture's plain socket rows typed as Arrow columns, with the same
records as the row path.

The row path (``engine.pipeline``) still reads the input, through ``Route.feed``, which takes
out of its way the rows a ``recipes.Recipe`` can type: a row matched by the dialect's
grammar-derived fast path (``LineGrammar.whole``) as the recipe's line kind, with values the
recipe ``takes``.  Everything else (titles, headers, blank lines, continuation lines, rows of
other kinds or with unusual values) goes to the row path, which keeps its state, captures,
accounting and diagnostics as ever; their line numbers are mapped back (``merge``).

A row is taken only once the row path has read a row of its class (``Recipe.key``) in the same
run of rows, and the recipe typed that row to an equal record (the *probe*): the table the row
path is in, its capture and labels are then the same for the whole run, which only a line that
is no such row can change.  A row is taken only when the next line is a taken row too, so a
continuation line always follows a row the row path read.  A row of the recipe's kind that the
recipe does not take, or of a class not yet verified, goes to the row path, and no row is taken
until its record has come, of the same capture (a diagnostic for it ends the run).  When taking
starts, the row the row path read last (still held by it, unyielded) is typed too, and its record
dropped when it comes.  Taken rows are typed ``CHUNK_ROWS`` at a time and go out (``emit``) as
one batch with the row path's records that came meanwhile, in input order; so the row path is
never waited for, and memory stays bounded.  Lines are read in chunks (``STEADY_LINES``, at most
``STEADY_CHARS``); while they are rows that would be taken one by one, blocks of them are taken
at once (``Route._steady``), each line matched by the regex of its first character as the row
path matches it, the values fetched and keyed by calls made from C.  Lines are matched by
Python's ``re``, not Arrow's ``extract_regex``: RE2 has no atomic groups or lookarounds, which
the grammars' regexes use, and with captures it is slower here (3.8 against about 2 us a row).

The recipe's assumptions (that a verified class reads the same in the whole run) are what the
differential tests (``tests/test_columnar_route.py``) check over every fixture and varied and
mutated inputs.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from functools import partial
from itertools import groupby
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple, cast

import pyarrow as pa
import pyarrow.compute

from ..dialects import DIALECTS
from ..engine.detect import confidence
from ..engine.pipeline import iter_parse_with
from ..grammar.linegrammar import LineGrammar
from ..io.reader import ByteStream, open_lines
from ..model.record import Diagnostic, Record
from ..options import ParseOptions
from ..sinks.columnar import record_batch
from ..sinks.kernels import socket_batch
from .recipes import RECIPES, Printed, Recipe, Values

pc: Any = pyarrow.compute
"""``pyarrow.compute``, untyped: its stubs' overloads refuse valid calls
(``pc.equal(array, "tcp")``)."""

CHUNK_ROWS = 8_192
"""Taken rows typed at a time."""
MAX_TAKEN_LINE = 4_000
"""Longer lines go to the row path (which checks their numbers' length)."""
STEADY_LINES = 512
"""Lines read at a time, taken in bulk while they are rows the route takes (``_steady``)."""
STEADY_CHARS = 262_144
"""The most characters of a chunk of lines, but for its last line."""
FIRST_BULK = 16
"""The first block of lines tried in bulk; each block wholly taken doubles the next."""


class _Row(NamedTuple):
    line: int
    key: Any
    values: Values


_new_row = partial(tuple.__new__, _Row)
"""A _Row from a tuple of its values, without the Python-level ``_Row.__new__``."""


def build(recipe: Recipe, values: list[Values], lines: list[int], labels: Record) -> pa.RecordBatch:
    """The records of rows of these ``values`` read at ``lines`` (of one capture, labelled as
    ``labels``) as one batch."""
    printed = Printed(zip(recipe.names, zip(*values)))
    return socket_batch(recipe.build(printed), labels, lines)


class Route:
    """One input's columnar route: ``feed`` the row path its lines through it, ``merge`` what
    the row path yields.  Taken rows are typed ``CHUNK_ROWS`` at a time, with the row path's
    records that come meanwhile, in input order, and go to ``emit`` as one batch."""

    def __init__(
        self,
        emit: Callable[[pa.RecordBatch], None],
        accounting: dict[str, int],
        marker: re.Pattern[str] | None = None,
    ) -> None:
        self.emit = emit
        self.accounting = accounting
        self.marker = marker
        self.recipe: Recipe | None = None
        self._fast: _FastPath | None = None
        self.run = 0
        """The run of rows the input is in: a line of another kind than the recipe's ends it."""
        self.verified: set[Any] = set()
        self.refused: set[Any] = set()
        self.probes: dict[int, tuple[int, _Row]] = {}
        self.labels: Record | None = None
        self.last: _Row | None = None
        """The row the row path read last, when it is the last line it read, in this run."""
        self.taking = False
        """Whether the row path's last row is being typed here too (its record to be dropped)."""
        self.blocked: int | None = None
        """A row the row path reads that may not become a record like the others (one the
        recipe does not take, or of a class not verified): none is taken until it has."""
        self.values: list[Values] = []
        self.lines: list[int] = []
        """The values and line numbers of the rows taken, to be typed."""
        self.records: list[Record] = []
        """The row path's records that came since the first of the rows to be typed was taken."""
        self.dropped: set[int] = set()
        self.passed = 0
        self.taken = 0
        self.counted = 0
        """The rows taken, and those of them added to the row path's line counts."""
        self.marks: list[int] = [0]
        self.shifts: list[int] = [0]
        """Line numbers: the row path's line ``n`` is the input's ``n + shifts[i]``, ``i`` the
        last mark at or before ``n``."""

    # -- the row path's lines ------------------------------------------------------------------
    def feed(self, lines: Iterable[str]) -> Iterator[str]:
        """The lines the row path reads: all but the taken rows.  ``lines`` have no line ends
        (as ``open_lines`` gives them)."""
        held: _Row | None = None
        held_raw = ""
        fast: Any = None
        marker, longest = self.marker, MAX_TAKEN_LINE
        for chunk in _chunks(enumerate(lines, 1)):
            at, size, retry = 0, FIRST_BULK, 0
            while at < len(chunk):
                if (
                    at >= retry
                    and held is not None
                    and marker is None
                    and self.taking
                    and held.key in self.verified
                    and self.blocked is None
                ):
                    block = chunk[at : at + size]
                    held, held_raw, count = self._steady(block, held, held_raw)
                    at += count
                    if count == len(block):
                        size *= 2
                        continue
                    retry = at + min(len(block) - count, FIRST_BULK)  # a few lines one by one
                    size = FIRST_BULK
                number, raw = chunk[at]
                at += 1
                if self._fast is not fast:  # the recipe's fast path, as locals
                    fast, recipe = self._fast, self.recipe
                    if fast is not None and recipe is not None:
                        by_first, blanks = fast.by_first, fast.blanks
                        kind, takes, key = recipe.kind, recipe.takes, recipe.key
                found: _Row | object | None = None
                if (
                    fast is not None
                    and type(raw) is str
                    and len(raw) <= longest
                    and raw.isprintable()
                    and (marker is None or marker.search(raw) is None)
                ):
                    regex = by_first.get(raw.lstrip(blanks)[:1]) or fast.regex(raw)
                    matched = regex[0].match(raw)
                    if matched is not None:
                        line_kind, fetch = regex[1][matched.lastindex]
                        if line_kind == kind:
                            values = fetch(matched)
                            found = (
                                _new_row((number, key(values), values)) if takes(values) else _SOFT
                            )
                if held is not None:
                    if type(found) is _Row:
                        if self._take(held):
                            held, held_raw = found, raw
                            continue
                        self._probe(held)
                    yield self._pass(held_raw, held)
                    held = None
                if found is None:
                    self._end_run()
                    yield self._pass(raw, None)
                elif found is _SOFT:
                    yield self._pass(raw, None)
                    self.blocked = number
                else:
                    held, held_raw = found, raw  # type: ignore[assignment]
        if held is not None:
            yield self._pass(held_raw, held)
        self._end_run()
        self.accounting["record"] += self.taken - self.counted
        self.counted = self.taken

    def _steady(
        self, block: list[tuple[int, str]], held: _Row, held_raw: str
    ) -> tuple[_Row, str, int]:
        """``feed``'s common case over a block of lines: the leading lines that are taken rows of
        verified classes are taken in bulk (each line matched, its values fetched and keyed by
        calls made from C), the row held before them too, the last of them held; returns the
        row and line held and how many lines were taken."""
        fast, recipe = self._fast, self.recipe
        if fast is None or recipe is None:
            return held, held_raw, 0
        numbers, lines = zip(*block)
        plain = set(map(type, lines)) == {str} and max(map(len, lines)) <= MAX_TAKEN_LINE
        if not plain or not "".join(lines).isprintable():
            return held, held_raw, 0
        matched, expansions = fast.matched(lines)
        count = matched.index(None) if None in matched else len(matched)
        matches = cast(list[re.Match[str]], matched[:count])
        labels = list(map(_LAST_GROUP, matches))
        if isinstance(expansions, dict):
            ends = list(map(expansions.__getitem__, labels))
        else:
            ends = list(map(dict.__getitem__, expansions[:count], labels))
        values: list[Values] = []
        for (kind, fetch), run in groupby(ends):  # runs of lines of one expansion
            if kind != recipe.kind:
                break
            at = len(values)
            values += map(fetch, matches[at : at + len(list(run))])
        count = len(values)
        taken = list(map(recipe.takes, values))
        if False in taken:
            count = taken.index(False)
        keys = list(map(recipe.key, values[:count]))
        verified = list(map(self.verified.__contains__, keys))
        if False in verified:
            count = verified.index(False)
        if not count:
            return held, held_raw, 0
        self.values.append(held.values)
        self.lines.append(held.line)
        self.values += values[: count - 1]
        self.lines += numbers[: count - 1]
        self.taken += count
        if len(self.lines) >= CHUNK_ROWS or len(self.records) >= CHUNK_ROWS:
            self._flush()
        last = count - 1
        return _new_row((numbers[last], keys[last], values[last])), lines[last], count

    def _take(self, row: _Row) -> bool:
        """Take ``row`` if its class is verified in this run (and the row path's last row can
        be typed here too)."""
        if row.key not in self.verified or self.blocked is not None:
            return False
        if not self.taking:
            if self.last is None or self.last.key not in self.verified:
                return False
            self.taking = True
            self.dropped.add(self.last.line)
            self.values.append(self.last.values)
            self.lines.append(self.last.line)
        self._add(row)
        return True

    def _add(self, row: _Row) -> None:
        self.values.append(row.values)
        self.lines.append(row.line)
        self.taken += 1
        if len(self.lines) >= CHUNK_ROWS or len(self.records) >= CHUNK_ROWS:
            self._flush()

    def _probe(self, row: _Row) -> None:
        """Have the row path's record of ``row`` checked against the recipe's (``merge``)."""
        if row.key in self.verified:
            return
        self.blocked = row.line
        probing = any(p[1].key == row.key for p in self.probes.values() if p[0] == self.run)
        if row.key not in self.refused and not probing:
            self.probes[row.line] = (self.run, row)

    def _pass(self, raw: str, row: _Row | None) -> str:
        """``raw`` for the row path to read (the line after those taken), once the row path's
        line counts include those taken."""
        self.accounting["record"] += self.taken - self.counted
        self.counted = self.taken
        self.taking = False
        self.last = row
        self.passed += 1
        if self.taken != self.shifts[-1]:
            self.marks.append(self.passed)
            self.shifts.append(self.taken)
        return raw

    def _flush(self) -> None:
        """Type the rows taken, and emit them with the records that came meanwhile."""
        if self.lines and self.recipe is not None and self.labels is not None:
            batch = build(self.recipe, self.values, self.lines, self.labels)
            if self.records:
                table = pa.Table.from_batches([batch, record_batch(self.records)])
                order = pc.sort_indices(pc.struct_field(table.column("source"), "line"))
                batch = table.take(order).combine_chunks().to_batches()[0]
            self.emit(batch)
        elif self.records:
            self.emit(record_batch(self.records))
        self.values, self.lines, self.records = [], [], []

    def _end_run(self) -> None:
        self._flush()
        self.run += 1
        self.verified, self.refused, self.last, self.taking = set(), set(), None, False
        self.probes, self.blocked = {}, None

    # -- what the row path yields ----------------------------------------------------------------
    def merge(self, items: Iterable[Record | Diagnostic]) -> Iterator[Record | Diagnostic]:
        """The row path's records and diagnostics at their input line numbers; a record of a
        probe row checked, of a taken row dropped, one coming while rows are taken held to go
        out with them."""
        for item in items:
            if isinstance(item, Diagnostic):
                found = replace(item, line=self._input_line(item.line))
                if found.line == self.blocked:
                    self._end_run()  # the row path refused a row: what it does next is its own
                yield found
                continue
            line = item.source["line"] = self._input_line(item.source["line"])
            if self.recipe is None or item.dialect != self.recipe.dialect:
                self._use(item.dialect)
            probe = self.probes.pop(line, None)
            if probe is not None:
                self._check(item, *probe)
            if line == self.blocked:
                self._unblock(item)
            if line in self.dropped:
                self.dropped.discard(line)
            elif self.lines:
                self.records.append(item)
            else:
                yield item
        self._flush()

    def _unblock(self, record: Record) -> None:
        """Take rows again after a blocking row that made a record of the run's capture."""
        labels = self.labels
        same = labels is not None and all(
            getattr(record, name) == getattr(labels, name) for name in _LABELS
        )
        same = same and labels is not None and record.source["path"] == labels.source["path"]
        if same:
            self.blocked = None
        else:
            self._end_run()

    def _input_line(self, line: int) -> int:
        at = bisect.bisect_right(self.marks, line) - 1
        found = line + self.shifts[at]
        if at > 2 * _KEPT_MARKS:  # the row path yields in input order, one record behind at most
            del self.marks[: at - _KEPT_MARKS], self.shifts[: at - _KEPT_MARKS]
        return found

    def _use(self, dialect: str) -> None:
        self.recipe = RECIPES.get(dialect)
        self._fast = None
        if self.recipe is not None:
            self._fast = _FastPath(DIALECTS[dialect].line_grammar(), self.recipe.section)

    def _check(self, record: Record, run: int, row: _Row) -> None:
        """Verify the class of ``row`` for this run when the recipe types it as ``record``."""
        recipe = self.recipe
        if run != self.run or recipe is None or record.dialect != recipe.dialect:
            return
        same = record.kind == "socket" and build(recipe, [row.values], [row.line], record).equals(
            record_batch([record])
        )
        (self.verified if same else self.refused).add(row.key)
        self.labels = record


def _chunks(numbered: Iterator[tuple[int, str]]) -> Iterator[list[tuple[int, str]]]:
    """Numbered lines, ``STEADY_LINES`` at a time, or fewer when they hold ``STEADY_CHARS``
    characters (so long lines are never held many at once)."""
    chunk: list[tuple[int, str]] = []
    held = 0
    for item in numbered:
        chunk.append(item)
        held += len(item[1])
        if len(chunk) >= STEADY_LINES or held >= STEADY_CHARS:
            yield chunk
            chunk, held = [], 0
    if chunk:
        yield chunk


class _FastPath:
    """A dialect's fast path for one section, as the row path matches a line: by the regex for
    lines beginning (after blanks) with its first character."""

    def __init__(self, grammar: LineGrammar, section: str) -> None:
        self.grammar = grammar
        self.section = section
        self.blanks = grammar.blanks
        self.by_first: dict[str, tuple[re.Pattern[str], dict[int, Any]]] = {}

    def matched(
        self, lines: tuple[str, ...]
    ) -> tuple[list[re.Match[str] | None], dict[int, Any] | list[dict[int, Any]]]:
        """Each line's match, as the row path matches it (by the regex for lines beginning
        with its first character: up to twice as fast as the whole section's where lines begin
        with a word, as BSD rows do), and what gives the (kind, fetch) of each match by its
        last group: one table for all lines, or each line's.  Lines beginning with a blank are
        matched by the whole section's regex (as fast there)."""
        heads = list(map(_HEAD, lines))
        distinct = set(heads)
        if "" in distinct or not distinct.isdisjoint(self.blanks):
            regex, expansions = self.grammar.whole(self.section)
            return list(map(regex.match, lines)), expansions
        if len(distinct) == 1:
            regex, expansions = self.regex(heads[0])
            return list(map(regex.match, lines)), expansions
        regexes = {head: self.regex(head) for head in distinct}
        each = list(map(regexes.__getitem__, heads))
        matched = [regex.match(line) for (regex, _), line in zip(each, lines)]
        return matched, [expansions for _, expansions in each]

    def regex(self, line: str) -> tuple[re.Pattern[str], dict[int, Any]]:
        """The regex for ``line`` and what fetches each expansion's values (``by_first``
        keeps it)."""
        first = line.lstrip(self.blanks)[:1]
        found = self.grammar._for_first(first, self.section)
        if first.isascii():  # as the grammar keeps them: at most 128
            self.by_first[first] = found
        return found


_HEAD = itemgetter(slice(0, 1))
"""A line's first character ("" for an empty line)."""


_LAST_GROUP = attrgetter("lastindex")
"""A match's last group: which expansion of the line kind matched (``LineGrammar``)."""


_KEPT_MARKS = 32
"""Marks kept behind the last line mapped, so that the marks stay few on any input."""
_SOFT = object()
"""A row of the recipe's kind that the recipe does not take."""
_LABELS = ("dialect", "capture", "host", "captured_at", "meta")


def parse_stream(
    stream: ByteStream,
    options: ParseOptions,
    emit: Callable[[pa.RecordBatch], None],
    *,
    path: str | None = None,
    member: str | None = None,
    host: str | None = None,
    accounting: dict[str, int],
) -> tuple[str, Iterator[Record | Diagnostic]]:
    """``pipeline.iter_parse_stream`` through the columnar route: the records and diagnostics
    the row path makes, taken rows going to ``emit`` in their place (see ``Route``)."""
    encoding, lines = open_lines(stream, options.encoding, score=confidence)
    route = Route(emit, accounting, options.marker_regex())
    items = iter_parse_with(
        route.feed(lines), options, path=path, member=member, host=host, accounting=accounting
    )
    return encoding, route.merge(items)
