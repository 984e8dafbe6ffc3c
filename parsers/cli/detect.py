"""``detect``: each file's dialect and confidence."""

from __future__ import annotations

import argparse

from ..engine.detect import detect, rank, sample
from ..errors import DetectionError
from ..model.record import printable
from . import common

EPILOG = """\
output:
  one line per file: PATH<TAB>DIALECT<TAB>CONFIDENCE (0 to 1); DIALECT is - for a file that is
  empty or not recognised, which is also said on stderr. --all lists every dialect's score.

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
        shown = printable(path)
        try:
            lines = sample(common.open_text(path, None))
        except common.Usage as err:
            common.say(err)
            print(f"{shown}\t-\t0.0")
            status = common.EXIT_USAGE
            continue
        if args.all:
            scores = " ".join(f"{d.dialect}={d.confidence}" for d in rank(lines))
            print(f"{shown}\t{scores}")
            continue
        try:
            found = detect(lines)
        except DetectionError as err:
            empty = not lines
            common.say(f"{path}: empty: nothing to detect" if empty else f"{path}: {err}")
            print(f"{shown}\t-\t0.0")
            status = max(status, common.EXIT_OK if empty else common.EXIT_USAGE)
            continue
        print(f"{shown}\t{found.dialect}\t{found.confidence}")
    return status
