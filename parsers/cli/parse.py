"""``parse``: captured output to records (JSON, JSON Lines, a table or CSV)."""

from __future__ import annotations

import argparse
import os
import sys
from itertools import chain

from ..batch import inputs
from ..batch.inputs import STDIN_ARGUMENT, is_plain_file, read
from . import common

EPILOG = """\
inputs:
  plain files, .gz .bz2 .xz files, the members of .zip .tar .tar.gz .tgz .tar.bz2 .tar.xz
  archives (with convert's limits), folders (their files, sorted), - for stdin. One input that
  cannot be read or recognised is reported with its path; the others are still parsed.

examples:
  netstat-normalizer parse ss.txt                          # a JSON array of records
  ss -tanp | netstat-normalizer parse --command 'ss -tanp' -
  netstat-normalizer parse --format table netstat-ano.txt  # aligned columns, for people
  netstat-normalizer parse --format table --state ESTABLISHED --port 443 ss.txt
                                                           # ESTABLISHED connections to/from 443
  netstat-normalizer parse --format csv --fields host,local_port,program logs.tar.gz
  netstat-normalizer parse --format jsonl --jobs 2 day1.txt day2.txt.gz

exit status:
  0  every line of every input was accounted for (an empty input too)
  1  some lines were not parsed: each is reported on stderr as PATH:LINE: reason: text,
     and the records are still written
  2  usage error, or an input that could not be read or whose dialect is not recognised
     (the worst status of all inputs is returned)
"""


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parse = commands.add_parser(
        "parse",
        help="convert captured netstat/ss output to records",
        description="Convert captured netstat/ss output (any supported system) to records.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parse.add_argument(
        "files",
        nargs="*",
        default=[STDIN_ARGUMENT],
        metavar="FILE",
        help="files, compressed files, archives or folders to read; - or none for stdin",
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

        return parse_files(args.files, options, args.jobs, sys.stdout, args.format)
    return common.emit(chain.from_iterable(read(path, options) for path in args.files), args)


def in_parallel(args: argparse.Namespace) -> bool:
    """Whether ``parse`` spreads its work over processes: several of them, several inputs or a
    big file, no stdin, JSON or JSON Lines of whole records, and no ``--strict`` (which stops at
    the first unparsed line)."""
    if args.jobs < 2 or args.strict or STDIN_ARGUMENT in args.files:
        return False
    if args.format not in ("json", "jsonl") or args.fields or args.state or args.port:
        return False
    if len(args.files) > 1:
        return True
    return is_plain_file(args.files[0]) and os.path.getsize(args.files[0]) >= inputs.CHUNK_BYTES
