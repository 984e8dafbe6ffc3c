"""``summary``: counts per capture or group, as a table, JSON, CSV or OpenMetrics; and the
reading ``summary`` and ``findings`` share (what ``parse`` reads, or its own JSON or Parquet
output)."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any

from ..analysis.columns import ALL_COLUMNS, is_parquet, read_records
from ..analysis.openmetrics import openmetrics
from ..analysis.records import looks_like_json, read_json_records
from ..analysis.summary import TOP, summarize
from ..batch.inputs import Note, opened
from ..engine.captures import host_from_path
from ..engine.detect import confidence
from ..engine.pipeline import iter_parse
from ..io.archive import Source
from ..io.reader import open_lines
from ..model.record import STDIN, Diagnostic, Record
from . import common
from .sources import MARKER, add_input


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = commands.add_parser(
        "summary", help="counts per capture: states, listeners, peers, TIME-WAIT"
    )
    inputs(command)
    command.add_argument("--by", metavar="FIELD[,FIELD...]", help="one line per group instead")
    command.add_argument(
        "--where",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="only records whose field is exactly VALUE (state in any spelling); repeatable",
    )
    command.add_argument("--top", type=int, default=TOP, metavar="N", help=f"default {TOP}")
    command.add_argument(
        "--format", choices=("table", "json", "csv", "openmetrics"), default="table"
    )
    command.set_defaults(run=run)


def inputs(command: argparse.ArgumentParser) -> None:
    """The files and ``parse``'s input options, captures split at ``=== HOST TIME ===`` lines
    unless ``--capture-marker`` says otherwise (as ``diff``, ``timeline`` and ``report`` do)."""
    command.add_argument(
        "files", nargs="*", default=["-"], metavar="FILE", help="files to read; - or none for stdin"
    )
    add_input(command)


class Reader:
    """The records of ``args.files``, read as ``parse`` reads them (files, ``.gz``/``.bz2``/
    ``.xz``, archive members, folders, stdin) or read back from this tool's JSON or Parquet
    output (a ``.parquet`` file or a ``convert`` folder); unparsed lines and unreadable inputs
    go to stderr, ``status`` is the worst (as ``parse`` exits: 1 unparsed lines or a skipped
    member, 2 a failed input); ``read`` counts records."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.meta = common.check_input_options(args)
        self.worst = common.EXIT_OK
        self.read = 0

    def __iter__(self) -> Iterator[Record]:
        for path in self.args.files:
            for item in self._items(path):
                if isinstance(item, Record):
                    self.read += 1
                    yield item
                else:
                    print(item, file=sys.stderr)
                    severity = item.severity if isinstance(item, Note) else common.EXIT_UNPARSED
                    self.worst = max(self.worst, severity)

    def _items(self, path: str) -> Iterator[Record | Diagnostic | Note]:
        if is_parquet(path):  # a file or a convert folder
            yield from self._labelled(read_records([path], ALL_COLUMNS))
            return
        for item in opened(path):
            if isinstance(item, Note):
                yield item
                continue
            source, stream = item
            with stream as raw:
                lines = open_lines(raw, self.args.encoding, score=confidence)[1]
                yield from self._source(source, lines)

    def _source(self, source: Source, lines: Iterator[str]) -> Iterator[Record | Diagnostic]:
        """One source's records: JSON read back when its first non-blank line is JSON, else
        parsed with ``parse``'s options."""
        args = self.args
        head = []
        for line in lines:
            head.append(line)
            if line.strip():
                break
        text = chain(head, lines)
        if head and looks_like_json(head[-1]):
            yield from self._labelled(read_json_records(text, source.path))
            return
        stdin = source.path == STDIN
        yield from iter_parse(
            text,
            args.dialect,
            source.path,
            args.command,
            member=source.member,
            marker=args.capture_marker or MARKER,
            host=None if stdin else host_from_path(args.host_from_path, source.path, source.member),
            meta=self.meta or None,
        )

    def _labelled(self, items: Iterable[Record | Diagnostic]) -> Iterator[Record | Diagnostic]:
        """Records read back, their missing ``host`` and ``captured_at`` filled from
        ``--meta`` (as ``parse`` fills them), other ``--meta`` keys added to ``meta``."""
        meta = dict(self.meta)
        host, captured_at = meta.pop("host", None), meta.pop("captured_at", None)
        return (self._label(item, host, captured_at, meta) for item in items)

    @staticmethod
    def _label(
        item: Record | Diagnostic, host: str | None, at: str | None, meta: dict[str, str]
    ) -> Record | Diagnostic:
        if isinstance(item, Record):
            item.host = item.host or host
            item.captured_at = item.captured_at or at
            item.meta = {**meta, **item.meta}
        return item

    @property
    def status(self) -> int:
        return self.worst


def run(args: argparse.Namespace) -> int:
    by = [field.strip() for field in args.by.split(",")] if args.by else []
    if args.top < 0:
        raise common.Usage("--top wants 0 or more")
    reader = Reader(args)
    try:
        summaries = summarize(reader, by=by, where=args.where, top=args.top)
        write(summaries, args.format, by)
    except ValueError as err:
        raise common.Usage(str(err)) from None
    return reader.status


def write(summaries: Iterator[dict[str, Any]], fmt: str, by: list[str]) -> None:
    out = sys.stdout
    if fmt == "json":
        out.write("[")
        for n, summary in enumerate(summaries):
            out.write(("," if n else "") + "\n" + json.dumps(summary, ensure_ascii=False))
        out.write("\n]\n")
    elif fmt == "openmetrics":
        out.writelines(openmetrics(summaries))
    elif fmt == "csv":
        _csv(summaries, by)
    else:
        for summary in summaries:
            out.write((_group_line(summary, by) if by else _table(summary)) + "\n")


def _csv(summaries: Iterator[dict[str, Any]], by: list[str]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    if by:
        writer.writerow([*by, "count"])
        for group in summaries:
            writer.writerow([*(group[f] for f in by), group["count"]])
        return
    writer.writerow(
        ["path", "member", "host", "capture", "captured_at", "dialect", "state", "count"]
    )
    for s in summaries:
        where = [s["source"]["path"], s["source"]["member"], s["host"], s["capture"]]
        for state, n in s["states"].items():
            writer.writerow([*where, s["captured_at"], s["dialect"], state, n])


def _group_line(group: dict[str, Any], by: list[str]) -> str:
    fields = "  ".join(f"{field}={group[field]}" for field in by)
    return f"{group['count']:>8}  {fields}  {_counts(group['states'])}"


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{key} {n}" for key, n in counts.items()) or "-"


def _table(s: dict[str, Any]) -> str:
    where = s["source"]["path"] or "<stdin>"
    lines = [
        f"== {where} capture {s['capture']} host {s['host'] or '-'} at {s['captured_at'] or '-'}"
        f" ({s['dialect']}): {s['records']} records",
        f"states:   {_counts(s['states'])}",
        f"inbound:  {s['inbound']['count']} ({_counts(s['inbound']['states'])})",
        f"outbound: {s['outbound']['count']} ({_counts(s['outbound']['states'])})",
        "listeners:",
    ]
    for li in s["listeners"]:
        queue = "" if li["backlog"] is None else f" queue {li['queue']}/{li['backlog']}"
        owner = f"{li['program']}[{li['pid']}]" if li["program"] or li["pid"] else "-"
        lines.append(
            f"  {li['proto']:<4} {li['address'] + ':' + str(li['port']):<22} {li['scope']:<8}"
            f" {owner}{queue}"
            f"  {_counts(li['connections'])}"
        )
    top = s["top"]
    lines.append("top peers: " + _counts({p["address"]: p["count"] for p in top["peers"]}))
    lines.append(
        "top processes: "
        + _counts({f"{p['program']}[{p['pid']}]": p["count"] for p in top["processes"]})
    )
    lines.append(
        "top remote ports: " + _counts({str(p["port"]): p["count"] for p in top["remote_ports"]})
    )
    tw = s["time_wait"]
    span = tw["ephemeral_range"]
    lines.append(
        f"TIME-WAIT: {tw['count']}"
        + (
            f" (ephemeral range {span['first']}-{span['last']}: {span['ports']} ports)"
            if span
            else ""
        )
    )
    for d in tw["destinations"]:
        share = "" if d["share"] is None else f" = {d['share']:.1%} of the range"
        lines.append(f"  -> {d['remote_address']}:{d['remote_port']}  {d['count']}{share}")
    return "\n".join(lines)
