"""Reading captures for the analysis commands (``diff``, ``timeline``, ``report``): files parsed
with parse's input options (or read back from Parquet), a ``FILE@N`` capture picked out,
unparsed lines reported."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterator

from ..analysis.columns import is_parquet, read_records
from ..analysis.snapshot import Snapshot, snapshots
from ..engine.captures import host_from_path
from ..engine.pipeline import iter_parse
from ..model.record import STDIN, Diagnostic, Record
from . import common

MARKER = r"^=== (?P<host>\S+) (?P<time>.+) ===$"
"""The capture marker these commands use without ``--capture-marker``: ``=== HOST TIME ===``."""
_AT = re.compile(r"^(?P<path>.+)@(?P<capture>\d+)$")


class Reader:
    """Records of files, with the unparsed lines counted and written to stderr."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.meta = common.check_input_options(args)
        self.marker = args.capture_marker or MARKER
        self.unparsed = 0

    def records(self, paths: list[str]) -> Iterator[Record]:
        """Each file's records in turn; Parquet (``convert --format parquet``) read as such."""
        for path in paths:
            if is_parquet(path):
                yield from read_records([path])
                continue
            text = common.open_text(path, self.args.encoding)
            for item in iter_parse(
                text,
                self.args.dialect,
                STDIN if path == "-" else path,
                self.args.command,
                marker=self.marker,
                host=None if path == "-" else host_from_path(self.args.host_from_path, path),
                meta=self.meta or None,
            ):
                if isinstance(item, Diagnostic):
                    self.unparsed += 1
                    print(item, file=sys.stderr)
                else:
                    yield item

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
        return common.EXIT_UNPARSED if self.unparsed else common.EXIT_OK


def add_input(parser: argparse.ArgumentParser) -> None:
    """parse's input options, the capture marker defaulting to MARKER."""
    common.input_options(parser)
    for action in parser._actions:
        if action.dest == "capture_marker":
            action.help = f"lines matching it separate captures (default: {MARKER})"
