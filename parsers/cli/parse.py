"""``parse``: captured output to JSON records."""

from __future__ import annotations

import argparse
import os
import sys

from ..engine.pipeline import iter_parse_with
from . import common


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parse = commands.add_parser("parse", help="convert captured netstat/ss output to JSON records")
    parse.add_argument(
        "files", nargs="*", default=["-"], metavar="FILE", help="files to read; - or none for stdin"
    )
    common.output_options(parse)
    common.input_options(parse)
    common.jobs_option(
        parse, "processes for several files or a big one (default: the number of CPUs)"
    )
    parse.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    options = common.parse_options(args)
    if args.jobs < 1:
        raise common.Usage("--jobs wants a number of processes, 1 or more")
    if in_parallel(args):
        from ..batch.parallel import parse_files

        unparsed = parse_files(args.files, options, args.jobs, sys.stdout, args.format)
        return common.EXIT_UNPARSED if unparsed else common.EXIT_OK
    sources = [(path, common.open_text(path, args.encoding)) for path in args.files]
    items = (
        item
        for path, text in sources
        for item in iter_parse_with(text, options, path=None if path == "-" else path)
    )
    return common.emit(items, args.format, args.strict)


def in_parallel(args: argparse.Namespace) -> bool:
    """Whether ``parse`` spreads its work over processes: several of them, several files or a big
    one, all regular files, and no ``--strict`` (which stops at the first unparsed line)."""
    from ..batch.parallel import CHUNK_BYTES

    if args.jobs < 2 or args.strict or "-" in args.files:
        return False
    try:
        sizes = [os.path.getsize(path) for path in args.files]
    except OSError:
        return False  # the one-process path reports the unreadable file
    return len(sizes) > 1 or sizes[0] >= CHUNK_BYTES
