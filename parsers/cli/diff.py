"""``diff``: what changed between two captures (listeners, connections, state counts)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..analysis.diff import Diff, diff
from . import sources


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = commands.add_parser(
        "diff", help="what changed between two captures: listeners, connections, state counts"
    )
    cmd.add_argument("old", metavar="OLD", help="a file (its first capture) or FILE@N (capture N)")
    cmd.add_argument("new", metavar="NEW", help="a file or FILE@N")
    cmd.add_argument("--format", choices=("table", "json"), default="table")
    sources.add_input(cmd)
    cmd.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    reader = sources.Reader(args)
    result = diff(reader.capture(args.old), reader.capture(args.new))
    if args.format == "json":
        json.dump(result.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(table(result))
    return reader.status


def table(result: Diff) -> str:
    """The events one a line, then the state counts."""
    lines = [f"{result.old} -> {result.new}"]
    for event in result.events:
        local = _endpoint(event["local_address"], event["local_port"])
        remote = (
            ""
            if event["remote_port"] is None
            else " " + _endpoint(event["remote_address"], event["remote_port"])
        )
        change = f"{_show(event['before'])} -> {_show(event['after'])}"
        lines.append(f"{event['event']:<24} {event['proto']} {local}{remote}  {change}")
    if not result.events:
        lines.append("no listener or connection changed")
    lines.append(f"{'state':<14}{'before':>8}{'after':>8}{'delta':>8}")
    for state, count in result.states.items():
        lines.append(f"{state:<14}{count['before']:>8}{count['after']:>8}{count['delta']:>+8}")
    return "\n".join(lines) + "\n"


def _endpoint(address: str | None, port: int | None) -> str:
    shown = f"[{address}]" if address and ":" in address else address or "*"
    return f"{shown}:{'*' if port is None else port}"


def _show(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return ",".join(f"{o['program']}[{o['pid']}]" for o in value) or "?"
    if isinstance(value, dict):
        owners = _show(value["owners"]) if value["owners"] else ""
        return f"{value['local_address']} ({value['scope']}) {owners}".rstrip()
    return str(value)
