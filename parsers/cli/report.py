"""``report``: one self-contained HTML page about the captures of a fleet."""

from __future__ import annotations

import argparse
import os
import tempfile

from ..analysis.report import collect, render
from . import common, sources


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = commands.add_parser(
        "report", help="one self-contained HTML page: fleet overview, then each host"
    )
    cmd.add_argument("files", nargs="+", metavar="FILE", help="captures in time order")
    cmd.add_argument("--out", required=True, metavar="FILE.html", help="the page to write")
    cmd.add_argument("--title", default="netstat-normalizer fleet report")
    sources.add_input(cmd)
    cmd.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    reader = sources.Reader(args)
    fleet = collect(reader.records(args.files))
    if not fleet.hosts:
        raise common.Usage("no records to report on")
    page = render(fleet, args.title)
    folder = os.path.dirname(os.path.abspath(args.out))
    try:  # written whole, then renamed: no half page
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=folder, suffix=".tmp", delete=False
        ) as out:
            out.write(page)
        os.replace(out.name, args.out)
    except OSError as err:
        raise common.Usage(f"cannot write {args.out}: {err.strerror}") from None
    return reader.status
