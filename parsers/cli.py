"""The ``netstat-normalizer`` command: parse, detect, capture."""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from typing import IO, TextIO

from . import dialects, iter_parse
from .decode import sniff
from .detect import detect, rank
from .errors import NetstatNormalizerError
from .record import Diagnostic, Record

CAPTURE_COMMANDS = (
    ["ss", "-a", "-n", "-p", "-e", "-o", "-i", "-m"],
    ["netstat", "-a", "-n", "-p", "-e", "-e", "-o"],
)
"""What ``capture`` runs: the first one installed, with the flags that say the most."""

EXIT_OK, EXIT_UNPARSED, EXIT_USAGE = 0, 1, 2


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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="netstat-normalizer", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    parse = commands.add_parser("parse", help="convert captured netstat/ss output to JSON records")
    parse.add_argument(
        "files", nargs="*", default=["-"], metavar="FILE", help="files to read; - or none for stdin"
    )
    _output_options(parse)
    parse.add_argument(
        "--dialect", default="auto", help=f"auto (default) or one of: {', '.join(dialects())}"
    )
    parse.add_argument(
        "--command", help="the command that produced the input, e.g. 'ss -tan' (a hint)"
    )
    parse.add_argument("--encoding", help="force the input's encoding (default: detected)")
    parse.set_defaults(run=_parse)

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


def _parse(args: argparse.Namespace) -> int:
    if args.dialect != "auto" and args.dialect not in dialects():
        from .errors import UnknownDialectError

        raise UnknownDialectError(args.dialect, dialects())
    sources = [(path, _open_text(path, args.encoding)) for path in args.files]
    items = (
        item
        for path, text in sources
        for item in iter_parse(
            text, args.dialect, None if path == "-" else path, args.command, lossy=True
        )
    )
    return _emit(items, args.format, args.strict)


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
    done = subprocess.run(
        command, capture_output=True, text=True, errors="surrogateescape", check=False
    )
    if done.returncode != 0:
        raise _Usage(f"{' '.join(command)} failed: {done.stderr.strip()}")
    dialect = "linux-ss" if command[0] == "ss" else "linux-netstat"
    items = iter_parse(
        done.stdout.splitlines(), dialect, f"<{' '.join(command)}>", " ".join(command), lossy=True
    )
    return _emit(items, args.format, args.strict)


def _open_text(path: str, encoding: str | None) -> Iterator[str]:
    """The lines of a file (or stdin), decoded as detected, streaming."""
    try:
        raw: IO[bytes] = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
    except OSError as err:
        raise _Usage(f"cannot read {path}: {err.strerror}") from None
    buffered = io.BufferedReader(raw) if not isinstance(raw, io.BufferedReader) else raw  # type: ignore[arg-type]
    head = buffered.peek(65536)[:65536]
    name = encoding or sniff(head, score=_score)
    return iter(io.TextIOWrapper(buffered, encoding=name, errors="surrogateescape", newline=None))


def _score(text: str) -> float:
    try:
        return detect(text).confidence
    except NetstatNormalizerError:
        return 0.0


def _emit(items: Iterator[Record | Diagnostic], fmt: str, strict: bool) -> int:
    out: TextIO = sys.stdout
    unparsed = False
    first = True
    if fmt == "json":
        out.write("[")
    for item in items:
        if isinstance(item, Diagnostic):
            print(item, file=sys.stderr)
            unparsed = True
            if strict:
                break
            continue
        text = json.dumps(item.to_dict(), ensure_ascii=False)
        if fmt == "json":
            out.write(("\n" if first else ",\n") + text)
        else:
            out.write(text + "\n")
        first = False
    if fmt == "json":
        out.write("\n]\n" if not first else "]\n")
    out.flush()
    return EXIT_UNPARSED if unparsed else EXIT_OK
