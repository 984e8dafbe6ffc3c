"""``summary``: counts per capture or group, as a table, JSON, CSV or OpenMetrics; and the
reading ``summary`` and ``findings`` share (what ``parse`` reads, or its own JSON or Parquet
output)."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterator
from typing import Any

from ..analysis.openmetrics import openmetrics
from ..analysis.summary import TOP, summarize
from . import common
from .sources import Reader, inputs


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
