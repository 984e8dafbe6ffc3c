"""Summaries in the OpenMetrics text format: ``node_tcp_connection_states{host, state}`` as
node_exporter's tcpstat collector names them (plus ``host``), ``# EOF`` at the end.

A capture with a time (a marker, ``--meta captured_at=...``) gets sample timestamps, for
``promtool tsdb create-blocks-from openmetrics``; one without (a live capture) gets none, as
the textfile collector wants.  ``host`` is the capture's host, else its file's path (none for
stdin or a live capture: give ``--meta host=NAME``).  Series that would repeat (the same host
and time) keep the last capture's counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from .knowledge import states
from .snapshot import seconds

METRIC = "node_tcp_connection_states"


def labels() -> list[str]:
    """The ``state`` label values, in the knowledge table's order, each once."""
    return list(dict.fromkeys(row["openmetrics"] for row in states().values()))


def openmetrics(summaries: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The lines (with their newlines) of an OpenMetrics exposition of the summaries'
    TCP state counts per host."""
    series: dict[tuple[str, float | None], dict[str, int]] = {}
    for summary in summaries:
        path = summary["source"]["path"] or ""
        host = summary["host"] or ("" if path.startswith("<") else path)  # "<ss -a ...>": live
        counts = dict.fromkeys(labels(), 0)
        for state, n in summary["states"].items():
            counts[states()[state]["openmetrics"]] += n
        key = (host, seconds(summary["captured_at"]))
        series.pop(key, None)  # the last capture's counts, in its place in time
        series[key] = counts
    yield f"# TYPE {METRIC} gauge\n"
    yield f"# HELP {METRIC} Number of TCP sockets per state, from netstat or ss output.\n"
    hosts: dict[str, list[tuple[float | None, dict[str, int]]]] = {}
    for (host, moment), counts in series.items():
        hosts.setdefault(host, []).append((moment, counts))
    for host, points in sorted(hosts.items()):
        points.sort(key=lambda point: point[0] or 0.0)
        for label in labels():  # a series' points together, oldest first
            for moment, counts in points:
                stamp = "" if moment is None else f" {moment:.3f}"
                yield f'{METRIC}{{host="{_escape(host)}",state="{label}"}} {counts[label]}{stamp}\n'
    yield "# EOF\n"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
