"""``detect``: each file's dialect and confidence."""

from __future__ import annotations

import argparse

from ..engine.detect import detect, rank
from . import common


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    find = commands.add_parser("detect", help="print each file's dialect and confidence")
    find.add_argument("files", nargs="+", metavar="FILE")
    find.add_argument("--all", action="store_true", help="print every dialect's score")
    find.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    for path in args.files:
        text = common.open_text(path, None)
        if args.all:
            print(path + "\t" + " ".join(f"{d.dialect}={d.confidence}" for d in rank(text)))
        else:
            found = detect(text)
            print(f"{path}\t{found.dialect}\t{found.confidence}")
    return common.EXIT_OK
