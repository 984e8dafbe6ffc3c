"""``convert``: files, folders and archives to one output each."""

from __future__ import annotations

import argparse
import os
import sys

from ..batch.convert import Done, Report, Settings, convert
from . import common

EPILOG = """\
sources:
  files and folders (sorted by name), .gz .bz2 .xz files, the members of .zip .tar .tar.gz .tgz
  .tar.bz2 .tar.xz archives. Each becomes one output under --out, its path mirrored
  (fleet/a/ss.txt -> OUT/fleet/a/ss.txt.jsonl); diagnostics.jsonl and summary.json go beside.
  A rerun finishes an interrupted run; --force converts everything again.

examples:
  netstat-normalizer convert fleet/ logs/day1.tar.gz --out json/
  netstat-normalizer convert fleet --out pq --format parquet --jobs 8
  netstat-normalizer convert logs --out json --capture-marker '^=== (?P<host>\\S+) ===$'

exit status:
  0  everything converted cleanly
  1  a source failed or was skipped, or a line was not parsed (see diagnostics.jsonl)
  2  usage error (--out naming a file...)
  130  interrupted (run the same command again to finish)
"""


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    many = commands.add_parser(
        "convert",
        help="convert files, folders and archives to one output file each",
        description="Convert files, folders and archives to one output file each.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
    common.jobs_option(many, "worker processes (default: the number of CPUs)")
    many.add_argument(
        "--force", action="store_true", help="convert again sources whose output exists"
    )
    common.input_options(many)
    many.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    meta = common.check_input_options(args)
    if args.jobs < 1:
        raise common.Usage("--jobs wants a number of processes, 1 or more")
    _check_out(args.out)
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
    common.say(_told(report, args.out))
    return report.exit_status


def _check_out(out: str) -> None:
    """A usage error unless ``--out`` is a folder or can be made one."""
    place = os.path.abspath(out)
    while not os.path.lexists(place):
        place = os.path.dirname(place)
    if not os.path.isdir(place):
        named = out if place == os.path.abspath(out) else place
        raise common.Usage(f"--out {out}: not a folder ({named} is a file)")


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
