"""Reading captures for the analysis commands (``summary``, ``findings``, ``diff``, ``timeline``,
``report``): inputs read as ``parse`` reads them or read back from this tool's JSON or Parquet
output, a ``FILE@N`` capture picked out, unparsed lines and unreadable inputs reported."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import replace
from itertools import chain

from ..analysis.columns import ALL_COLUMNS, is_parquet, read_records
from ..analysis.records import looks_like_json, read_json_records
from ..analysis.snapshot import Snapshot, snapshots
from ..batch.inputs import Note, opened
from ..engine.captures import host_from_path
from ..engine.detect import confidence
from ..engine.pipeline import iter_parse_with
from ..io.archive import Source
from ..io.reader import open_lines
from ..model.record import STDIN, Diagnostic, Record
from . import common

MARKER = r"^=== (?P<host>\S+) (?P<time>.+) ===$"
"""The capture marker these commands use without ``--capture-marker``: ``=== HOST TIME ===``."""
_AT = re.compile(r"^(?P<path>.+)@(?P<capture>\d+)$")


class Reader:
    """The records of ``args.files``, read as ``parse`` reads them (files, ``.gz``/``.bz2``/
    ``.xz``, archive members, folders, stdin) or read back from this tool's JSON or Parquet
    output (a ``.parquet`` file or a ``convert`` folder); unparsed lines and unreadable inputs
    go to stderr, ``status`` is the worst (as ``parse`` exits: 1 unparsed lines or a skipped
    member, 2 a failed input); ``read`` counts records."""

    def __init__(self, args: argparse.Namespace, columns: tuple[str, ...] = ALL_COLUMNS) -> None:
        self.args = args
        self.columns = columns
        """The fields read back from Parquet (``analysis.columns``)."""
        self.options = replace(common.parse_options(args), marker=args.capture_marker or MARKER)
        self.meta = self.options.meta_dict()
        self.worst = common.EXIT_OK
        self.read = 0

    def __iter__(self) -> Iterator[Record]:
        return self.records(self.args.files)

    def records(self, paths: list[str]) -> Iterator[Record]:
        """The records of ``paths`` in turn."""
        for path in paths:
            for item in self._items(path):
                if isinstance(item, Record):
                    self.read += 1
                    yield item
                else:
                    print(item, file=sys.stderr)
                    severity = item.severity if isinstance(item, Note) else common.EXIT_UNPARSED
                    self.worst = max(self.worst, severity)

    def _items(self, path: str) -> Iterator[Record | Diagnostic | Note]:
        if is_parquet(path):  # a file or a convert folder
            yield from self._labelled(read_records([path], self.columns))
            return
        for item in opened(path):
            if isinstance(item, Note):
                yield item
                continue
            source, stream = item
            with stream as raw:
                lines = open_lines(raw, self.args.encoding, score=confidence)[1]
                yield from self._source(source, lines)

    def _source(self, source: Source, lines: Iterator[str]) -> Iterator[Record | Diagnostic]:
        """One source's records: JSON read back when its first non-blank line is JSON, else
        parsed with ``parse``'s options."""
        args = self.args
        head = []
        for line in lines:
            head.append(line)
            if line.strip():
                break
        text = chain(head, lines)
        if head and looks_like_json(head[-1]):
            yield from self._labelled(read_json_records(text, source.path))
            return
        stdin = source.path == STDIN
        host = None if stdin else host_from_path(args.host_from_path, source.path, source.member)
        yield from iter_parse_with(
            text, self.options, path=source.path, member=source.member, host=host
        )

    def _labelled(self, items: Iterable[Record | Diagnostic]) -> Iterator[Record | Diagnostic]:
        """Records read back, their missing ``host`` and ``captured_at`` filled from
        ``--meta`` (as ``parse`` fills them), other ``--meta`` keys added to ``meta``."""
        meta = dict(self.meta)
        host, captured_at = meta.pop("host", None), meta.pop("captured_at", None)
        return (self._label(item, host, captured_at, meta) for item in items)

    @staticmethod
    def _label(
        item: Record | Diagnostic, host: str | None, at: str | None, meta: dict[str, str]
    ) -> Record | Diagnostic:
        if isinstance(item, Record):
            item.host = item.host or host
            item.captured_at = item.captured_at or at
            item.meta = {**meta, **item.meta}
        return item

    def capture(self, spec: str) -> Snapshot:
        """``FILE`` (its one capture, or its first) or ``FILE@N`` (capture N of it)."""
        path, number = spec, None
        found = _AT.match(spec)
        if found and not os.path.exists(spec):
            path, number = found["path"], int(found["capture"])
        for snapshot in snapshots(self.records([path])):
            if number is None or snapshot.capture == number:
                return snapshot
        if number is None:
            raise common.Usage(f"{path}: no records")
        raise common.Usage(f"{path}: no capture {number}")

    @property
    def status(self) -> int:
        return self.worst


def add_input(parser: argparse.ArgumentParser) -> None:
    """parse's input options, the capture marker defaulting to MARKER."""
    common.input_options(parser)
    for action in parser._actions:
        if action.dest == "capture_marker":
            action.help = f"lines matching it separate captures (default: {MARKER})"


def inputs(command: argparse.ArgumentParser) -> None:
    """The files and ``parse``'s input options, captures split at ``=== HOST TIME ===`` lines
    unless ``--capture-marker`` says otherwise (as ``diff``, ``timeline`` and ``report`` do)."""
    command.add_argument(
        "files", nargs="*", default=["-"], metavar="FILE", help="files to read; - or none for stdin"
    )
    add_input(command)
