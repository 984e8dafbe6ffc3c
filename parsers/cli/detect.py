"""``detect``: each file's dialect and confidence."""

from __future__ import annotations

import argparse

from ..batch.inputs import FAILED, Note, opened
from ..engine.detect import confidence, detect, rank, sample
from ..errors import DetectionError
from ..io.archive import read_errors, reason_of
from ..io.reader import open_lines
from ..model.record import printable
from . import common

EPILOG = """\
output:
  one line per file (PATH[MEMBER] for an archive member; .gz .bz2 .xz files and .zip and .tar
  archives are read as parse reads them): PATH<TAB>DIALECT<TAB>CONFIDENCE (0 to 1); DIALECT is -
  for a file that is empty, unreadable or not recognised, which is also said on stderr.
  --all lists every dialect's score.

exit status:
  0  every file was recognised (or empty)
  2  a file could not be read or was not recognised (every file is still reported)
"""


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    find = commands.add_parser(
        "detect",
        help="print each file's dialect and confidence",
        description="Print the dialect of each file and how sure detection is.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    find.add_argument("files", nargs="+", metavar="FILE")
    find.add_argument("--all", action="store_true", help="print every dialect's score")
    find.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    status = common.EXIT_OK
    for path in args.files:
        for item in opened(path):
            if isinstance(item, Note):
                common.say(item)
                print(f"{printable(item.where)}\t-\t0.0")
                status = max(status, item.severity)
                continue
            source, stream = item
            try:
                with stream as raw:
                    lines = sample(open_lines(raw, score=confidence)[1])
            except read_errors() as err:
                common.say(Note(source.where, reason_of(err), FAILED))
                print(f"{printable(source.where)}\t-\t0.0")
                status = common.EXIT_USAGE
                continue
            status = max(status, _report(source.where, lines, args.all))
    return status


def _report(where: str, lines: list[str], every: bool) -> int:
    """Print a source's dialect and confidence (or every dialect's); the exit status."""
    shown = printable(where)
    if every:
        print(shown + "\t" + " ".join(f"{d.dialect}={d.confidence}" for d in rank(lines)))
        return common.EXIT_OK
    try:
        found = detect(lines)
    except DetectionError as err:
        empty = not lines
        common.say(f"{where}: empty: nothing to detect" if empty else f"{where}: {err}")
        print(f"{shown}\t-\t0.0")
        return common.EXIT_OK if empty else common.EXIT_USAGE
    print(f"{shown}\t{found.dialect}\t{found.confidence}")
    return common.EXIT_OK
