"""``parse`` on several cores: files side by side, a big file in chunks; output in input order,
byte for byte what one process writes.

A file of ``inputs.CHUNK_BYTES`` or more is cut into chunks at rows of the kind its first row is
(so no row is parted from its continuation lines).  Each chunk after the first is parsed by a
dialect that first reads the file's opening lines (its title, header and first rows), so it knows
the table as the one process would; a chunk is kept only if that knowledge equals what the chunk
before it ended with, and if no chunk met a capture boundary.  Otherwise the file is parsed again
in one piece: the output never depends on the cutting.

The workers die with the main process (Linux), and a janitor process then removes the scratch
folder; SIGTERM is handled as Ctrl-C, which stops the workers and removes it too.
"""

from __future__ import annotations

import codecs
import multiprocessing
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import IO, Any

from ..dialects import DIALECTS
from ..dialects.base import TableState
from ..engine.captures import DETECT_MAX_CHARS, claimants, host_from_path, labels_of
from ..engine.detect import confidence
from ..engine.pipeline import iter_parse
from ..errors import NetstatNormalizerError
from ..io.decode import ERRORS, check_encoding
from ..io.reader import SNIFF_BYTES, open_lines
from ..model.record import Diagnostic, Record
from ..options import ParseOptions
from ..sinks.json import RecordWriter
from . import inputs
from .inputs import Note, is_plain_file, read
from .stopping import die_with_parent, janitor, terminate_as_interrupt

_OPENING_BYTES = 1 << 16
"""How much of a big file is read to learn its table (64 KiB)."""
_CUT_SEARCH = 1 << 20
"""How far past a chunk's nominal end a row to cut at is looked for."""


class InputError(NetstatNormalizerError):
    """A file ``parse`` cannot read: a usage error."""


@dataclass(frozen=True)
class Task:
    """One file, or one chunk of one: bytes ``start`` to ``end``, lines from ``first``."""

    path: str
    host: str | None
    options: ParseOptions
    start: int = 0
    end: int | None = None
    first: int = 1
    dialect: str = ""
    encoding: str = ""
    opening: tuple[str, ...] = ()


@dataclass
class Outcome:
    """A task's records (JSON Lines) and diagnostics and notes in temporary files, the worst
    status they lead to (0, 1 unparsed lines, a note's severity), and, for a chunk, the table
    knowledge it started and ended with and whether it met a capture boundary."""

    records: str
    diagnostics: str
    status: int
    start_state: TableState | None = None
    end_state: TableState | None = None
    boundary: bool = False


def parse_files(paths: list[str], options: ParseOptions, jobs: int, out: IO[str], fmt: str) -> int:
    """Write the records of ``paths`` (``inputs.read``'s inputs) to ``out`` as ``fmt`` and their
    diagnostics and notes to stderr, in input order, with ``jobs`` processes; the worst status:
    0, 1 when a line was not parsed, a note's severity.  EncodingError for an encoding that
    cannot decode a capture; InputError for a file gone while its chunks were planned."""
    if options.encoding is not None:
        check_encoding(options.encoding)
    scratch = tempfile.mkdtemp(prefix="netstat-normalizer-")
    try:
        with janitor(scratch), terminate_as_interrupt():
            plans = [_plan(path, options, jobs) for path in paths]
            writer = _Concatenation(out, fmt)
            status = 0
            with _pool(jobs) as pool:
                results = pool.imap(_run, [(t, scratch) for plan in plans for t in plan])
                for plan in plans:
                    outcomes = [next(results) for _ in plan]
                    if not _consistent(outcomes):
                        outcomes = [_run((Task(plan[0].path, plan[0].host, options), scratch))]
                    for outcome in outcomes:
                        writer.copy(outcome)
                        status = max(status, outcome.status)
            writer.close()
    except OSError as err:  # a file gone or changed since its chunks were planned
        raise InputError(f"cannot read {err.filename or 'a file'}: {err.strerror}") from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return status


class _pool:
    """``jobs`` forked worker processes that die with the main process, closed on leaving,
    terminated on an error or interruption."""

    def __init__(self, jobs: int) -> None:
        linux = sys.platform.startswith("linux")
        context = multiprocessing.get_context("fork" if linux else None)
        self.pool = context.Pool(jobs, die_with_parent, (os.getpid() if linux else None,))

    def __enter__(self) -> Any:
        return self.pool

    def __exit__(self, kind: object, *rest: object) -> None:
        if kind is None:
            self.pool.close()
        else:
            self.pool.terminate()
        self.pool.join()


def _plan(path: str, options: ParseOptions, jobs: int) -> list[Task]:
    """The tasks of an input: itself, or its chunks when it is a big plain file that can be cut."""
    host = host_from_path(options.host_from_path, path)
    whole = [Task(path, host, options)]
    if options.marker is not None or not is_plain_file(path):
        return whole
    size = os.path.getsize(path)
    if size < inputs.CHUNK_BYTES:
        return whole
    with open(path, "rb") as raw:
        encoding, lines = open_lines(raw, options.encoding, score=confidence)
        if codecs.lookup(encoding).name.startswith(("utf-16", "utf-32")):
            return whole  # a line end is not one byte b"\n"
        head = _bounded(lines, SNIFF_BYTES // 32, DETECT_MAX_CHARS)
        opening = _opening(head, options)
        if opening is None:
            return whole
        dialect, kind, lines_before = opening
        # two chunks a process, to even out, of CHUNK_BYTES / 8 (4 MiB) at least: a 40 MB file
        # on 2 processes is cut in 4 chunks of 10 MB (in 16 and 24 MB when the least was 16 MiB)
        step = max(inputs.CHUNK_BYTES // 8, size // (2 * jobs))
        cuts = _cuts(raw, size, step, dialect, kind, encoding)
    numbers = _line_numbers(path, cuts) if cuts else None
    if numbers is None:  # no cut, or the file shrank meanwhile
        return whole
    bounds = [0, *cuts, size]
    return [
        Task(path, host, options, start, end, first, dialect, encoding, tuple(lines_before))
        for start, end, first in zip(bounds, bounds[1:], [1, *numbers])
    ]


def _bounded(lines: Iterator[str], most: int, chars: int) -> list[str]:
    """The first lines, at most ``most`` of them and about ``chars`` characters."""
    head: list[str] = []
    size = 0
    for line in lines:
        head.append(line)
        size += len(line)
        if len(head) >= most or size >= chars:
            break
    return head


def _opening(head: list[str], options: ParseOptions) -> tuple[str, str, list[str]] | None:
    """The dialect of a file's head, the kind of its first row, and its lines up to the last row
    it holds whole; None when the head holds no row."""
    items = list(iter_parse(head, options.dialect, command=options.command))
    records = [i for i in items if isinstance(i, Record)]
    if len(records) < 2:
        return None
    first, last = records[0], records[-1]  # the last may miss continuation lines: leave it out
    lines = DIALECTS[first.dialect].line_grammar()
    kind = next(
        found[0]
        for section in lines.sections
        if (found := lines.match(head[first.source["line"] - 1], section))
    )
    return first.dialect, kind, head[: last.source["line"] - 1]


def _cuts(
    raw: IO[bytes], size: int, step: int, dialect: str, kind: str, encoding: str
) -> list[int]:
    """Byte offsets, about every ``step`` bytes, where a line of the first row's kind starts."""
    lines = DIALECTS[dialect].line_grammar()
    cuts: list[int] = []
    for nominal in range(step, size - step // 2, step):
        raw.seek(nominal)
        starts = False  # whether the next read starts a line
        while raw.tell() < min(size, nominal + _CUT_SEARCH):
            at = raw.tell()
            piece = raw.readline(SNIFF_BYTES)  # a line, or the next part of a long one
            if not piece:  # the file shrank since its size was taken
                return []
            line = piece.decode(encoding, ERRORS).rstrip("\r\n")
            if starts and any(
                (found := lines.match(line, s)) and found[0] == kind for s in lines.sections
            ):
                cuts.append(at)
                break
            starts = piece.endswith(b"\n")
    return cuts


def _line_numbers(path: str, cuts: list[int]) -> list[int] | None:
    """The line number at each cut: one more than the line ends before it, counted as
    ``open_lines`` splits (``\n``, ``\r\n``, a lone ``\r``); None when the file is shorter
    than a cut (it shrank)."""
    numbers, count, done = [], 0, 0
    cr = False  # whether the block before ended with "\r"
    with open(path, "rb") as raw:
        for cut in cuts:
            while done < cut:
                block = raw.read(min(1 << 20, cut - done))
                if not block:
                    return None
                count += block.count(b"\n") + block.count(b"\r") - block.count(b"\r\n")
                count -= cr and block.startswith(b"\n")
                cr = block.endswith(b"\r")
                done += len(block)
            numbers.append(count + 1)
    return numbers


def _run(job: tuple[Task, str]) -> Outcome:
    """Parse one task into temporary files (in a worker process)."""
    task, scratch = job
    handle, records = tempfile.mkstemp(dir=scratch, suffix=".jsonl")
    diagnostics = records[:-6] + ".txt"
    with (
        os.fdopen(handle, "w", encoding="utf-8", errors=ERRORS) as out,
        open(diagnostics, "w", encoding="utf-8", errors=ERRORS) as err,
    ):
        writer = RecordWriter(out, "jsonl")
        outcome = Outcome(records, diagnostics, status=0)
        items = read(task.path, task.options) if not task.dialect else _chunk(task, outcome)
        for item in items:
            if type(item) is Record:
                writer.write(item)
                continue
            writer.flush()
            if isinstance(item, Note):
                err.write(f"netstat-normalizer: {item}\n")
                outcome.status = max(outcome.status, item.severity)
            else:
                err.write(f"{item}\n")
                outcome.status = max(outcome.status, 1)
        writer.close()
    return outcome


def _chunk(task: Task, outcome: Outcome) -> Iterator[Record | Diagnostic]:
    with open(task.path, "rb") as raw:
        yield from _chunk_items(task, raw, outcome)


def _chunk_items(task: Task, raw: IO[bytes], outcome: Outcome) -> Iterator[Record | Diagnostic]:
    o = task.options
    raw.seek(task.start)
    lines = open_lines(_Range(raw, task.end - task.start), task.encoding)[1]  # type: ignore[operator]
    cls = DIALECTS[task.dialect]
    parser = cls(
        task.path,
        o.command,
        foreign=claimants(cls.kin or cls.grammar) if o.dialect == "auto" else None,
    )
    labels, meta = labels_of(task.host, o.meta_dict())
    parser.label(0, labels["host"], labels["captured_at"], meta)
    if task.start > 0:
        for _ in parser.run(task.opening):
            pass
    outcome.start_state = parser.state()
    yield from parser.run(lines, task.first)
    outcome.end_state = parser.state()
    outcome.boundary = parser.boundary is not None


def _consistent(outcomes: list[Outcome]) -> bool:
    """Whether the chunks of a file, parsed apart, give what one pass gives."""
    if any(o.boundary for o in outcomes):
        return False
    return all(a.end_state == b.start_state for a, b in pairwise(outcomes))


class _Range:
    """A binary stream's next ``size`` bytes, as a stream."""

    def __init__(self, raw: IO[bytes], size: int) -> None:
        self.raw = raw
        self.left = size

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        data = self.raw.read(n)
        self.left -= len(data)
        return data


class _Concatenation:
    """Tasks' records and diagnostics copied out in order, as one JSON array or JSON Lines."""

    def __init__(self, out: IO[str], fmt: str) -> None:
        self.out = out
        self.fmt = fmt
        self.first = True
        self.opened = False

    def _open(self) -> None:
        """The array's ``[``, once the first task is done: a file that fails comes before it."""
        if self.fmt == "json" and not self.opened:
            self.out.write("[")
        self.opened = True

    def copy(self, outcome: Outcome) -> None:
        self._open()
        with open(outcome.records, encoding="utf-8", errors=ERRORS) as records:
            if self.fmt == "jsonl":
                shutil.copyfileobj(records, self.out)
            else:
                for line in records:
                    self.out.write(("\n" if self.first else ",\n") + line.rstrip("\n"))
                    self.first = False
        self.out.flush()
        with open(outcome.diagnostics, encoding="utf-8", errors=ERRORS) as problems:
            shutil.copyfileobj(problems, sys.stderr)
        os.remove(outcome.records)
        os.remove(outcome.diagnostics)

    def close(self) -> None:
        self._open()
        if self.fmt == "json":
            self.out.write("]\n" if self.first else "\n]\n")
