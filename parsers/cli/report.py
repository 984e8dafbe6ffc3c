"""``report``: one self-contained HTML page about the captures of a fleet."""

from __future__ import annotations

import argparse
import os
import re
import tempfile

from ..analysis.outliers import GROUP, SHARE
from ..analysis.report import collect, render
from . import common, sources
from .timeline import rule_options, settings


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = commands.add_parser(
        "report", help="one self-contained HTML page: fleet overview, then each host"
    )
    cmd.add_argument("files", nargs="+", metavar="FILE", help="captures in time order")
    cmd.add_argument("--out", required=True, metavar="FILE.html", help="the page to write")
    cmd.add_argument("--title", default="netstat-normalizer fleet report")
    cmd.add_argument(
        "--group",
        default=GROUP,
        metavar="REGEX",
        help="hosts' group for outliers: this regex's group named group (default: the name "
        "without trailing digits)",
    )
    cmd.add_argument(
        "--outlier-share",
        type=float,
        default=SHARE,
        metavar="PERCENT",
        help=f"a port is an outlier below this share of its group's hosts (default {SHARE:g})",
    )
    rule_options(cmd, "a timeline rule's threshold (as timeline --set); repeatable")
    sources.add_input(cmd)
    cmd.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    reader = sources.Reader(args)
    try:
        group = re.compile(args.group)
    except re.error as err:
        raise common.Usage(f"--group: bad regex {args.group!r}: {err}") from None
    if "group" not in group.groupindex:
        raise common.Usage("--group needs a group named group: (?P<group>...)")
    config = settings(args.set)
    fleet = collect(reader.records(args.files), config, args.group, args.outlier_share, args.lang)
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
