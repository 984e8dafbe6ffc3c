"""``findings``: the built-in rules over captures, as a table, JSON or a Nagios status line."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import Any

from ..analysis.config import Config
from ..analysis.findings import SEVERITIES, findings
from ..analysis.knowledge import LANGS
from ..errors import NetstatNormalizerError
from . import common
from .sources import Reader, inputs

NAGIOS = {"OK": 0, "WARNING": 1, "CRITICAL": 2, "UNKNOWN": 3}
"""The monitoring-plugins exit codes."""


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = commands.add_parser(
        "findings", help="piles and leaks worth a look: CLOSE-WAIT, SYN-RECEIVED..."
    )
    inputs(command)
    command.add_argument("--config", metavar="FILE.toml", help="rule settings, per host glob too")
    command.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="RULE.KEY=VALUE",
        help="one setting for every host, e.g. close-wait-pile.warning=50; repeatable",
    )
    command.add_argument("--lang", choices=LANGS, default="en", help="of the explain texts")
    command.add_argument("--format", choices=("table", "json", "nagios"), default="table")
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        config = _config(args)
        reader = Reader(args)
        found = list(findings(reader, config, args.lang))
    except (common.Usage, NetstatNormalizerError, ValueError) as err:
        if args.format != "nagios":
            raise common.Usage(str(err)) from None
        print(f"NETSTAT UNKNOWN - {err}")
        return NAGIOS["UNKNOWN"]
    if args.format == "nagios":
        if not reader.read:
            print("NETSTAT UNKNOWN - no records read")
            return NAGIOS["UNKNOWN"]
        return nagios(found)
    if args.format == "json":
        print(json.dumps(found, ensure_ascii=False, indent=1))
    else:
        for f in found:
            print(_line(f))
    return reader.status


def _config(args: argparse.Namespace) -> Config:
    if args.config is None:
        return Config(sets=args.set)
    try:
        with open(args.config, "rb") as file:
            return Config.from_toml(file.read(), args.set)
    except OSError as err:
        raise common.Usage(f"cannot read {args.config}: {err.strerror}") from None


def _line(f: dict[str, Any]) -> str:
    where = f["host"] or f["source"]["path"] or "<stdin>"
    threshold = "" if f["threshold"] is None else f" >= {f['threshold']}"
    return (
        f"{f['severity'].upper():<8} {f['rule']:<18} {where} capture {f['capture']}: "
        f"{f['subject']} ({f['value']}{threshold})"
    )


def nagios(found: Iterable[dict[str, Any]]) -> int:
    """One status line with perfdata (the worst value per rule), exit 0/1/2."""
    found = list(found)
    rank = {severity: n for n, severity in enumerate(SEVERITIES)}
    worst = max((rank[f["severity"]] for f in found), default=0)
    status = {2: "CRITICAL", 1: "WARNING"}.get(worst, "OK")
    alarms = sorted(
        (f for f in found if f["severity"] != "info"), key=lambda f: -rank[f["severity"]]
    )
    if alarms:
        counts = [f"{sum(f['severity'] == s for f in alarms)} {s}" for s in ("critical", "warning")]
        named = "; ".join(
            f"{f['rule']} {f['host'] or f['source']['path'] or '-'} {f['subject']}"
            for f in alarms[:3]
        )
        text = f"{', '.join(counts)}: {named}"
    else:
        text = f"no warning ({len(found)} info)" if found else "no findings"
    perf: dict[str, dict[str, Any]] = {}
    for f in found:
        if f["severity"] != "info" and f["value"] > perf.get(f["rule"], {"value": -1})["value"]:
            perf[f["rule"]] = f
    data = " ".join(
        f"'{rule}'={f['value']};{f['thresholds']['warning']};{f['thresholds']['critical']}"
        for rule, f in perf.items()
    )
    print(f"NETSTAT {status} - {text}" + (f" | {data}" if data else ""))
    sys.stdout.flush()
    return NAGIOS[status]
