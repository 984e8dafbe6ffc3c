"""``timeline``: connections followed across captures, state counts per capture, rules over
time."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..analysis.timeline import Timeline, rules
from . import common, sources


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = commands.add_parser(
        "timeline", help="follow connections across captures: states, ages, rules over time"
    )
    cmd.add_argument("files", nargs="+", metavar="FILE", help="captures in time order; - for stdin")
    cmd.add_argument("--format", choices=("table", "json", "jsonl"), default="table")
    rule_options(cmd, "a rule's threshold, e.g. close-wait-leak.min_span_s=300; repeatable")
    sources.add_input(cmd)
    cmd.set_defaults(run=run)


def rule_options(cmd: argparse.ArgumentParser, about_set: str) -> None:
    """``--set`` (the timeline rules' thresholds) and ``--lang`` (the findings' texts)."""
    cmd.add_argument("--set", action="append", default=[], metavar="RULE.KEY=VALUE", help=about_set)
    cmd.add_argument("--lang", choices=("en", "ko"), default="en", help="findings' texts")


def run(args: argparse.Namespace) -> int:
    reader = sources.Reader(args)
    items = Timeline(settings(args.set), args.lang).run(reader.records(args.files))
    if args.format == "jsonl":
        for item in items:
            sys.stdout.write(json.dumps(item, ensure_ascii=False) + "\n")
    else:
        grouped: dict[str, list[dict[str, Any]]] = {"connection": [], "counts": [], "finding": []}
        for item in items:
            grouped[item.pop("type")].append(item)
        if args.format == "json":
            out = {"connections": grouped["connection"], "counts": grouped["counts"]}
            out["findings"] = grouped["finding"]
            json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
        else:
            sys.stdout.write(table(grouped))
    return reader.status


def settings(given: list[str]) -> dict[str, dict[str, Any]]:
    """``--set RULE.KEY=VALUE`` options as rule -> key -> number; usage errors named."""
    known = rules()
    config: dict[str, dict[str, Any]] = {}
    for text in given:
        name, equals, value = text.partition("=")
        rule, dot, key = name.rpartition(".")
        if not equals or not dot or rule not in known or key not in known[rule]:
            raise common.Usage(f"--set wants RULE.KEY=VALUE with a known rule and key: {text!r}")
        if key == "severity":
            if value not in ("info", "warning", "critical"):
                raise common.Usage(f"--set {name}: info, warning or critical, not {value!r}")
            config.setdefault(rule, {})[key] = value
            continue
        try:
            config.setdefault(rule, {})[key] = float(value)
        except ValueError:
            raise common.Usage(f"--set {name}: not a number: {value!r}") from None
    return config


def table(grouped: dict[str, list[dict[str, Any]]]) -> str:
    lines = ["connections:"]
    for c in grouped["connection"]:
        age, states = c["age_s"], " > ".join(map(str, c["states"]))
        lines.append(
            f"  {c['host']} {c['proto']} {_endpoint(c['local_address'], c['local_port'])} "
            f"{_endpoint(c['remote_address'], c['remote_port'])}  {states}"
            f"  {c['first_seen']} .. {c['last_seen']}  age {_age(age['lower'], age['upper'])}"
            + (f"  (reuses the tuple after {c['reuses']})" if c["reuses"] else "")
        )
    lines.append("state counts:")
    for row in grouped["counts"]:
        counts = " ".join(f"{state}={n}" for state, n in row["states"].items())
        lines.append(f"  {row['host']} {row['captured_at']}  {counts}")
    lines.append("findings:" if grouped["finding"] else "findings: none")
    for f in grouped["finding"]:
        slope = f" slope {f['slope_per_min']}/min" if f.get("slope_per_min") is not None else ""
        detail = "".join(f" {key} {value:g}" for key, value in f["detail"].items())
        lines.append(
            f"  {f['severity'].upper()} {f['host']} {f['rule']}: {f['subject']} "
            f"value {f['value']} (threshold {f['threshold']}){slope}{detail}"
        )
    return "\n".join(lines) + "\n"


def _endpoint(address: str | None, port: int | None) -> str:
    shown = f"[{address}]" if address and ":" in address else address or "*"
    return f"{shown}:{'*' if port is None else port}"


def _age(lower: float | None, upper: float | None) -> str:
    if lower is None:
        return "unknown (captures without times)"
    return f"{lower:g}..{'?' if upper is None else format(upper, 'g')} s"
