"""What the commands share: exit codes, usage errors, input and output options, emitting."""

from __future__ import annotations

import argparse
import codecs
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import replace
from itertools import chain
from typing import IO

from ..engine.detect import confidence
from ..engine.pipeline import check, dialects
from ..io.reader import open_lines
from ..model.record import Diagnostic, Record
from ..options import ParseOptions
from ..sinks.json import RecordWriter

EXIT_OK, EXIT_UNPARSED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class Usage(Exception):
    """A usage error or unreadable input: exit 2 with the message."""


def jobs_option(parser: argparse.ArgumentParser, text: str) -> None:
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N", help=text)


def output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=("json", "jsonl"),
        default="json",
        help="a JSON array (default) or JSON Lines",
    )
    parser.add_argument(
        "--strict", action="store_true", help="stop at the first unparsed line (exit 1)"
    )


def input_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dialect", default="auto", help=f"auto (default) or one of: {', '.join(dialects())}"
    )
    parser.add_argument(
        "--command", help="the command that produced the input, e.g. 'ss -tan' (a hint)"
    )
    parser.add_argument("--encoding", help="force the input's encoding (default: detected)")
    parser.add_argument(
        "--capture-marker",
        metavar="REGEX",
        help="lines matching it separate captures; named groups host and time label them",
    )
    parser.add_argument(
        "--host-from-path",
        metavar="REGEX",
        help="the host of a file's records: this regex's group host, searched in its path",
    )
    parser.add_argument(
        "--meta",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a field for every record: host, captured_at, or any key (in meta); repeatable",
    )


def parse_options(args: argparse.Namespace) -> ParseOptions:
    """The input options as one value; usage errors in them raised at once."""
    options = check(
        ParseOptions(
            dialect=args.dialect,
            command=args.command,
            encoding=args.encoding,
            marker=args.capture_marker,
            host_from_path=args.host_from_path,
        )
    )
    if args.encoding is not None:
        try:
            codecs.lookup(args.encoding)
        except LookupError:
            raise Usage(f"unknown encoding {args.encoding!r}") from None
    for option, pattern in (
        ("--capture-marker", args.capture_marker),
        ("--host-from-path", args.host_from_path),
    ):
        try:
            compiled = re.compile(pattern or "")
        except re.error as err:
            raise Usage(f"{option}: bad regex {pattern!r}: {err}") from None
        if option == "--host-from-path" and pattern and "host" not in compiled.groupindex:
            raise Usage("--host-from-path needs a group named host: (?P<host>...)")
    meta = {}
    for field in args.meta:
        key, equals, value = field.partition("=")
        if not key or not equals:
            raise Usage(f"--meta wants KEY=VALUE, not {field!r}")
        meta[key] = value
    return replace(options, meta=tuple(meta.items()))


def open_text(path: str, encoding: str | None) -> Iterator[str]:
    """The lines of a file (or stdin), decoded as given or detected, streaming."""
    try:
        raw: IO[bytes] = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
        return open_lines(raw, encoding, score=confidence)[1]
    except OSError as err:
        raise Usage(f"cannot read {path}: {err.strerror}") from None


def emit(items: Iterator[Record | Diagnostic], fmt: str, strict: bool) -> int:
    unparsed = False
    first = next(items, None)  # detection fails here, before anything is written
    writer = RecordWriter(sys.stdout, fmt)
    for item in chain([first] if first is not None else [], items):
        if isinstance(item, Diagnostic):
            writer.flush()  # keep stdout and stderr in input order
            print(item, file=sys.stderr)
            unparsed = True
            if strict:
                break
            continue
        writer.write(item)
    writer.close()
    sys.stdout.flush()
    return EXIT_UNPARSED if unparsed else EXIT_OK
