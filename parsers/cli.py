"""The ``netstat-normalizer`` command: parse, convert, detect, capture."""

from __future__ import annotations

import argparse
import codecs
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from itertools import chain
from typing import IO

from . import dialects, iter_parse
from .convert import Done, RecordWriter, Report, Settings, convert, host_from_path
from .decode import ERRORS
from .detect import detect, rank
from .errors import NetstatNormalizerError, UnknownDialectError
from .reader import open_lines
from .record import Diagnostic, Record

CAPTURE_COMMANDS = (
    ["ss", "-a", "-n", "-p", "-e", "-o", "-i", "-m"],
    ["netstat", "-a", "-n", "-p", "-e", "-e", "-o"],
)
"""What ``capture`` runs: the first one installed, with the flags that say the most."""

EXIT_OK, EXIT_UNPARSED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class _Usage(Exception):
    """A usage error or unreadable input: exit 2 with the message."""


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except (_Usage, NetstatNormalizerError) as err:
        print(f"netstat-normalizer: {err}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="netstat-normalizer", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    parse = commands.add_parser("parse", help="convert captured netstat/ss output to JSON records")
    parse.add_argument(
        "files", nargs="*", default=["-"], metavar="FILE", help="files to read; - or none for stdin"
    )
    _output_options(parse)
    _input_options(parse)
    _jobs_option(parse, "processes for several files or a big one (default: the number of CPUs)")
    parse.set_defaults(run=_parse)

    many = commands.add_parser(
        "convert", help="convert files, folders and archives to one output file each"
    )
    many.add_argument(
        "sources", nargs="+", metavar="SRC", help="files, folders, .gz .bz2 .xz .zip .tar[.*]"
    )
    many.add_argument("--out", required=True, metavar="DIR", help="the output folder")
    many.add_argument(
        "--format",
        choices=("json", "jsonl", "parquet"),
        default="jsonl",
        help="each output as JSON Lines (default), a JSON array or Parquet",
    )
    _jobs_option(many, "worker processes (default: the number of CPUs)")
    many.add_argument(
        "--force", action="store_true", help="convert again sources whose output exists"
    )
    _input_options(many)
    many.set_defaults(run=_convert)

    find = commands.add_parser("detect", help="print each file's dialect and confidence")
    find.add_argument("files", nargs="+", metavar="FILE")
    find.add_argument("--all", action="store_true", help="print every dialect's score")
    find.set_defaults(run=_detect)

    capture = commands.add_parser(
        "capture", help="run the local ss (or netstat) and emit its records"
    )
    _output_options(capture)
    capture.set_defaults(run=_capture)
    return parser


def _jobs_option(parser: argparse.ArgumentParser, text: str) -> None:
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N", help=text)


def _output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=("json", "jsonl"),
        default="json",
        help="a JSON array (default) or JSON Lines",
    )
    parser.add_argument(
        "--strict", action="store_true", help="stop at the first unparsed line (exit 1)"
    )


def _input_options(parser: argparse.ArgumentParser) -> None:
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


def _check_input_options(args: argparse.Namespace) -> dict[str, str]:
    """Usage errors in the input options; the ``--meta`` fields."""
    if args.dialect != "auto" and args.dialect not in dialects():
        raise UnknownDialectError(args.dialect, dialects())
    if args.encoding is not None:
        try:
            codecs.lookup(args.encoding)
        except LookupError:
            raise _Usage(f"unknown encoding {args.encoding!r}") from None
    for option, pattern in (
        ("--capture-marker", args.capture_marker),
        ("--host-from-path", args.host_from_path),
    ):
        try:
            compiled = re.compile(pattern or "")
        except re.error as err:
            raise _Usage(f"{option}: bad regex {pattern!r}: {err}") from None
        if option == "--host-from-path" and pattern and "host" not in compiled.groupindex:
            raise _Usage("--host-from-path needs a group named host: (?P<host>...)")
    meta = {}
    for field in args.meta:
        key, equals, value = field.partition("=")
        if not key or not equals:
            raise _Usage(f"--meta wants KEY=VALUE, not {field!r}")
        meta[key] = value
    return meta


def _parse(args: argparse.Namespace) -> int:
    meta = _check_input_options(args)
    if args.jobs < 1:
        raise _Usage("--jobs wants a number of processes, 1 or more")
    if _in_parallel(args):
        from .parallel import Options, parse_files

        options = Options(args.dialect, args.command, args.encoding, args.capture_marker, meta)
        hosts = [host_from_path(args.host_from_path, path) for path in args.files]
        unparsed = parse_files(args.files, hosts, options, args.jobs, sys.stdout, args.format)
        return EXIT_UNPARSED if unparsed else EXIT_OK
    sources = [(path, _open_text(path, args.encoding)) for path in args.files]
    items = (
        item
        for path, text in sources
        for item in iter_parse(
            text,
            args.dialect,
            None if path == "-" else path,
            args.command,
            marker=args.capture_marker,
            host=None if path == "-" else host_from_path(args.host_from_path, path),
            meta=meta or None,
        )
    )
    return _emit(items, args.format, args.strict)


def _in_parallel(args: argparse.Namespace) -> bool:
    """Whether ``parse`` spreads its work over processes: several of them, several files or a big
    one, all regular files, and no ``--strict`` (which stops at the first unparsed line)."""
    from .parallel import CHUNK_BYTES

    if args.jobs < 2 or args.strict or "-" in args.files:
        return False
    try:
        sizes = [os.path.getsize(path) for path in args.files]
    except OSError:
        return False  # the one-process path reports the unreadable file
    return len(sizes) > 1 or sizes[0] >= CHUNK_BYTES


def _convert(args: argparse.Namespace) -> int:
    meta = _check_input_options(args)
    if args.jobs < 1:
        raise _Usage("--jobs wants a number of processes, 1 or more")
    settings = Settings(
        out=args.out,
        format=args.format,
        dialect=args.dialect,
        command=args.command,
        encoding=args.encoding,
        marker=args.capture_marker,
        host_from_path=args.host_from_path,
        meta=tuple(meta.items()),
        force=args.force,
    )
    progress = sys.stderr if sys.stderr.isatty() else None
    report = convert(args.sources, settings, args.jobs, progress)
    print(f"netstat-normalizer: {_told(report, args.out)}", file=sys.stderr)
    return report.exit_status


def _told(report: Report, out: str) -> str:
    """What a convert run did, in a line."""
    done = [o for o in report.outcomes if isinstance(o, Done)]
    if report.interrupted:
        return (
            f"interrupted: {len(done)} sources converted into {out};"
            " run the same command again to finish"
        )
    failed = sum(p.failed for p in report.problems)
    return (
        f"{len(done)} sources in {out} ({sum(o.parsed for o in done)} converted now),"
        f" {report.unparsed} unparsed lines, {failed} failed,"
        f" {len(report.problems) - failed} skipped"
    )


def _detect(args: argparse.Namespace) -> int:
    for path in args.files:
        text = _open_text(path, None)
        if args.all:
            print(path + "\t" + " ".join(f"{d.dialect}={d.confidence}" for d in rank(text)))
        else:
            found = detect(text)
            print(f"{path}\t{found.dialect}\t{found.confidence}")
    return EXIT_OK


def _capture(args: argparse.Namespace) -> int:
    command = next((c for c in CAPTURE_COMMANDS if shutil.which(c[0])), None)
    if command is None:
        raise _Usage("neither ss nor netstat is installed")
    done = subprocess.run(command, capture_output=True, text=True, errors=ERRORS, check=False)
    if done.returncode != 0:
        raise _Usage(f"{' '.join(command)} failed: {done.stderr.strip()}")
    dialect = "linux-ss" if command[0] == "ss" else "linux-netstat"
    items = iter_parse(
        done.stdout.splitlines(), dialect, f"<{' '.join(command)}>", " ".join(command)
    )
    return _emit(items, args.format, args.strict)


def _open_text(path: str, encoding: str | None) -> Iterator[str]:
    """The lines of a file (or stdin), decoded as given or detected, streaming."""
    try:
        raw: IO[bytes] = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
        return open_lines(raw, encoding)[1]
    except OSError as err:
        raise _Usage(f"cannot read {path}: {err.strerror}") from None


def _emit(items: Iterator[Record | Diagnostic], fmt: str, strict: bool) -> int:
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
