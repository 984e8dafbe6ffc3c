"""What the commands share: exit codes, usage errors, input and output options, emitting."""

from __future__ import annotations

import argparse
import codecs
import os
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import replace

from ..batch.inputs import Note
from ..engine.captures import iso_time
from ..engine.pipeline import check, dialects
from ..model.record import RECORD_FIELDS, Diagnostic, Record, printable
from ..model.states import state_named
from ..options import ParseOptions
from ..sinks.json import RecordWriter
from ..sinks.table import TABLE_FIELDS, CsvWriter, FieldsJsonWriter, TableWriter, parse_fields

Writer = RecordWriter | TableWriter | CsvWriter | FieldsJsonWriter

EXIT_OK, EXIT_UNPARSED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class Usage(Exception):
    """A usage error or unreadable input: exit 2 with the message."""


def jobs_option(parser: argparse.ArgumentParser, text: str) -> None:
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N", help=text)


FORMATS = ("json", "jsonl", "table", "csv")


def output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="json",
        help="a JSON array (default), JSON Lines, an aligned table (for people) or CSV",
    )
    parser.add_argument(
        "--fields",
        type=_fields,
        metavar="A,B,...",
        help="the keys to write, in this order, for any format (dotted for nested keys:"
        f" source.path); keys: {', '.join(RECORD_FIELDS)}; the table's default:"
        f" {', '.join(TABLE_FIELDS)}",
    )
    parser.add_argument(
        "--state",
        type=_states,
        metavar="STATE[,STATE]",
        help="only records in these TCP states, spelt as any system prints them"
        " (ESTABLISHED, ESTAB, TIME_WAIT, TIME-WAIT, LISTENING...)",
    )
    parser.add_argument(
        "--port",
        type=_ports,
        metavar="N[,N]",
        help="only records whose local or remote port is one of these",
    )
    parser.add_argument(
        "--strict", action="store_true", help="stop at the first unparsed line (exit 1)"
    )


def _fields(text: str) -> tuple[str, ...]:
    try:
        return parse_fields(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _states(text: str) -> frozenset[str]:
    found = set()
    for word in text.split(","):
        state = state_named(word)
        if state is None:
            raise argparse.ArgumentTypeError(f"unknown TCP state {word!r}")
        found.add(state)
    return frozenset(found)


def _ports(text: str) -> frozenset[int]:
    try:
        ports = frozenset(int(p) for p in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"ports are numbers: {text!r}") from None
    if not all(0 <= p <= 65535 for p in ports):
        raise argparse.ArgumentTypeError(f"ports are 0 to 65535: {text!r}")
    return ports


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
        if key == "captured_at":
            stamp = iso_time(value)
            if stamp is None:
                raise Usage(
                    f"--meta captured_at={value!r} is not a time: ISO 8601 (2024-05-06T07:08:09Z),"
                    " RFC 2822, date's output or epoch seconds"
                )
            value = stamp
        meta[key] = value
    return replace(options, meta=tuple(meta.items()))


def say(message: object) -> None:
    """A message on stderr, prefixed with the program's name, safe for a terminal."""
    print(printable(f"netstat-normalizer: {message}"), file=sys.stderr)


def writer(args: argparse.Namespace) -> Writer:
    """The writer ``--format`` and ``--fields`` ask for, on stdout."""
    if args.format == "table":
        return TableWriter(sys.stdout, args.fields or TABLE_FIELDS)
    if args.format == "csv":
        return CsvWriter(sys.stdout, args.fields or RECORD_FIELDS)
    if args.fields:
        return FieldsJsonWriter(sys.stdout, args.format, args.fields)
    return RecordWriter(sys.stdout, args.format)


def kept(args: argparse.Namespace) -> Callable[[Record], bool] | None:
    """The test ``--state`` and ``--port`` put records to; None when they are not given."""
    states, ports = args.state, args.port
    if states is None and ports is None:
        return None

    def keep(record: Record) -> bool:
        return (states is None or record.state in states) and (
            ports is None or record.local_port in ports or record.remote_port in ports
        )

    return keep


def emit(items: Iterable[Record | Diagnostic | Note], args: argparse.Namespace) -> int:
    """Write the records as ``args`` asks and the diagnostics and notes on stderr, in input
    order; the exit status: the worst of 0, 1 (a line not parsed) and the notes' severities."""
    out = writer(args)
    keep = kept(args)
    write = out.write
    status = EXIT_OK
    for item in items:
        if type(item) is Record:
            if keep is None or keep(item):
                write(item)
            continue
        out.flush()  # keep stdout and stderr in input order
        sys.stdout.flush()
        if isinstance(item, Note):
            say(item)
            status = max(status, item.severity)
            continue
        print(item, file=sys.stderr)
        status = max(status, EXIT_UNPARSED)
        if args.strict:
            break
    out.close()
    sys.stdout.flush()
    return status
