"""``parse``'s inputs, one at a time: a file (plain, ``.gz``, ``.bz2`` or ``.xz``), the members of
an archive, the files of a folder, stdin or a pipe.  Each yields its records and diagnostics, and a
``Note`` when it could not be read or recognised, when part of it was skipped, or when it was
empty: one bad input never stops the others.  Compressed files and archives are read as
``convert`` reads them (``io.archive``, with its limits)."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

from ..engine.captures import host_from_path
from ..engine.pipeline import iter_parse_stream
from ..io.archive import Archive, Problem, Source, reason_of, source_errors, walk
from ..io.archive import opened as opened_sources
from ..io.reader import ByteStream
from ..model.record import STDIN, Diagnostic, Record, printable
from ..options import ParseOptions

STDIN_ARGUMENT = "-"
"""The file argument that stands for standard input (named ``model.record.STDIN``)."""

FAILED, SKIPPED, EMPTY = 2, 1, 0
"""A ``Note``'s severities, which are also the exit statuses they lead to."""


@dataclass(frozen=True)
class Note:
    """What is said of a whole input: it failed (could not be read or recognised), part of it
    was skipped on purpose (an archive member with an absolute path...), or it was empty."""

    where: str
    """The path, or ``path[member]``."""
    reason: str
    severity: int
    """``FAILED``, ``SKIPPED`` or ``EMPTY``."""

    def __str__(self) -> str:
        return printable(f"{self.where}: {self.reason}")


def read(path: str, options: ParseOptions) -> Iterator[Record | Diagnostic | Note]:
    """The records, diagnostics and notes of the input ``path`` (``-`` for stdin), in order."""
    for item in opened(path):
        if isinstance(item, Note):
            yield item
            continue
        source, stream = item
        host = None
        if path != STDIN_ARGUMENT:
            host = host_from_path(options.host_from_path, source.path, source.member)
        yield from _parse(source, stream, options, host)


def opened(
    path: str,
) -> Iterator[tuple[Source, AbstractContextManager[ByteStream]] | Note]:
    """The sources of the input ``path``, each with its bytes to open (a tar member's are valid
    until the next is asked for), or the note saying why one cannot be read."""
    if path == STDIN_ARGUMENT:
        yield Source(STDIN, None, STDIN), nullcontext(sys.stdin.buffer)
        return
    for item in _sources(path):
        if isinstance(item, Problem):
            yield _note(item)
            continue
        for entry in opened_sources(item):
            yield _note(entry) if isinstance(entry, Problem) else entry


CHUNK_BYTES = 32 << 20
"""A file at least this big (32 MiB) is parsed in chunks when ``parse`` has several processes
(``batch.parallel``; kept here so that a small file's run never imports multiprocessing)."""


def is_plain_file(path: str) -> bool:
    """Whether ``path`` is a regular file read as it is (no compression, no archive)."""
    if path == STDIN_ARGUMENT or not os.path.isfile(path):
        return False
    first = next(walk([path]), None)
    return isinstance(first, Source) and first.kind == "plain"


def _sources(path: str) -> Iterator[Source | Archive | Problem]:
    """``io.archive.walk`` for files and folders; a pipe or a device is read as it comes."""
    try:
        mode = os.stat(path).st_mode
    except OSError as err:
        yield Problem(path, None, reason_of(err), failed=True)
        return
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        yield from walk([path])
    else:
        yield Source(path, None, path)


def _note(problem: Problem) -> Note:
    where = problem.path if problem.member is None else f"{problem.path}[{problem.member}]"
    return Note(where, problem.reason, FAILED if problem.failed else SKIPPED)


def _parse(
    source: Source,
    stream: AbstractContextManager[ByteStream],
    options: ParseOptions,
    host: str | None,
) -> Iterator[Record | Diagnostic | Note]:
    """One source's records and diagnostics, then a note if it failed or was empty."""
    counts: dict[str, int] = {}
    try:
        with stream as raw:
            yield from iter_parse_stream(
                raw,
                options,
                path=source.path,
                member=source.member,
                host=host,
                accounting=counts,
            )[1]
    except source_errors() as err:
        yield Note(source.where, reason_of(err), FAILED)
        return
    if not any(counts.values()):
        yield Note(source.where, "empty: no lines to parse", EMPTY)
