"""One self-contained HTML page about a fleet's captures: a host x state heatmap, findings per
host and outliers, then per host its state counts over captures, its findings with their
explanations, its listeners and the diff between its first and last capture.

Charts are inline SVG (``charts``); the page's only script marks, in ``#render-status``, how
many charts drew and which errors the page met; a Content-Security-Policy forbids fetching
anything, so the page opens offline and cannot leak a request.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from html import escape
from typing import Any

from ..model.record import Record
from .charts import heatmap, lines, ordered
from .diff import Diff, diff
from .outliers import GROUP, SHARE, outliers
from .snapshot import Snapshot, owner, scope, snapshots
from .timeline import Timeline

SEVERITIES = ("critical", "warning", "info")


@dataclass
class HostView:
    """What the page shows of one host."""

    name: str
    labels: list[str] = field(default_factory=list)
    counts: list[dict[str, int]] = field(default_factory=list)
    first: Snapshot | None = None
    last: Snapshot | None = None
    findings: list[dict[str, Any]] = field(default_factory=list)

    def add(self, snapshot: Snapshot) -> None:
        self.labels.append(_short(snapshot))
        self.counts.append(snapshot.states)
        if self.first is None:
            self.first = snapshot
        self.last = snapshot

    def is_last(self, found: dict[str, Any]) -> bool:
        """Whether a per-capture finding is about this host's last capture."""
        source = found.get("source") or {}
        last = self.last
        return (
            last is not None
            and found.get("capture") == last.capture
            and source.get("path", last.path) == last.path
        )

    @property
    def changes(self) -> Diff | None:
        if self.first is None or self.last is None or self.first is self.last:
            return None
        return diff(self.first, self.last)


@dataclass
class Fleet:
    """Every host's view, in order of first appearance, and the fleet's outliers."""

    hosts: dict[str, HostView] = field(default_factory=dict)
    outliers: list[dict[str, Any]] = field(default_factory=list)
    findings_source: str = "timeline"
    """Where findings come from: ``timeline`` alone, or with ``analysis.findings``."""


def collect(
    records: Iterable[Record],
    config: dict[str, dict[str, Any]] | None = None,
    group: str = GROUP,
    share: float = SHARE,
    lang: str = "en",
) -> Fleet:
    """Read the records once, holding each host's first and last capture: snapshots per host,
    timeline findings (rules set by ``config``), and, when the package has ``analysis.findings``
    (the per-capture rules), those of each host's last capture; outliers by ``group`` and
    ``share`` (see ``outliers``); texts in ``lang``."""
    fleet = Fleet()

    def tap() -> Iterator[Record]:
        for snapshot in snapshots(records):
            view = fleet.hosts.setdefault(snapshot.host, HostView(snapshot.host))
            view.add(snapshot)
            yield from snapshot.records

    timeline = Timeline(config, lang)
    own = set(timeline.rules)  # close-wait-leak: the timeline's, with its slope
    for item in timeline.run(tap()):
        if item["type"] == "finding":
            fleet.hosts[item["host"]].findings.append(item)
    per_capture = _capture_rules()
    if per_capture is not None:  # on each host's last capture only, all that the page shows
        fleet.findings_source = "timeline and findings"
        for view in fleet.hosts.values():
            for found in per_capture(view.last.records if view.last else []):
                if found["rule"] not in own and view.is_last(found):
                    view.findings.append(found)
    fleet.outliers = outliers(
        {name: set(view.last.listeners) for name, view in fleet.hosts.items() if view.last},
        group,
        share,
    )
    return fleet


def _capture_rules() -> Callable[[list[Record]], list[dict[str, Any]]] | None:
    """``analysis.findings.findings`` as a function of records to finding dicts, when the module
    exists (it comes with the state-knowledge work); None otherwise."""
    try:
        module = importlib.import_module(f"{__package__}.findings")
    except ImportError:
        return None
    run = getattr(module, "findings", None)
    if run is None:
        return None

    def found(records: list[Record]) -> list[dict[str, Any]]:
        return [dict(f) for f in run(records)]

    return found


def render(fleet: Fleet, title: str = "netstat-normalizer fleet report") -> str:
    """The page."""
    views = list(fleet.hosts.values())
    body = [
        f"<header><h1>{escape(title)}</h1><p>{_summary(views)}</p></header>",
        _overview(fleet, views),
        *(_host(view) for view in views),
    ]
    return PAGE.format(title=escape(title), style=STYLE, body="\n".join(body), script=SCRIPT)


def _summary(views: list[HostView]) -> str:
    captures = sum(len(v.labels) for v in views)
    stamps = sorted(s.captured_at for v in views for s in (v.first, v.last) if s and s.captured_at)
    span = f", {stamps[0]} to {stamps[-1]}" if stamps else ""
    return f"{len(views)} hosts, {captures} captures{escape(span)}"


def _overview(fleet: Fleet, views: list[HostView]) -> str:
    states = ordered({s for v in views for counts in v.counts for s in counts})
    grid = [[(v.counts[-1] if v.counts else {}).get(s, 0) for s in states] for v in views]
    rows = []
    for v in views:
        tally = {s: sum(f["severity"] == s for f in v.findings) for s in SEVERITIES}
        rules = sorted({f["rule"] for f in v.findings})
        rows.append(
            f'<tr><td><a href="#{_anchor(v.name)}">{escape(v.name)}</a></td>'
            + "".join(f'<td class="num {s}">{tally[s] or ""}</td>' for s in SEVERITIES)
            + f"<td>{escape(', '.join(rules)) or '<span class=quiet>none</span>'}</td></tr>"
        )
    odd = (
        "".join(
            f"<tr><td>{escape(o['group'])}</td><td>{escape(str(o['proto']))} {o['port']}</td>"
            f"<td>{escape(', '.join(o['hosts']))}</td>"
            f"<td class=num>{o['percent']:g}% of {o['group_hosts']}</td></tr>"
            for o in fleet.outliers
        )
        or '<tr><td colspan="4" class="quiet">none</td></tr>'
    )
    return (
        '<section class="card"><h2>Fleet overview</h2>'
        "<h3>TCP states at each host's last capture</h3>"
        f'<div class="chart-box">{heatmap([v.name for v in views], states, grid)}</div>'
        f"<h3>Findings per host</h3><p class=quiet>From {escape(fleet.findings_source)}.</p>"
        "<table><thead><tr><th>host</th><th>critical</th><th>warning</th><th>info</th>"
        f"<th>rules</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        "<h3>Outliers: ports few hosts of their group listen on</h3>"
        "<table><thead><tr><th>group</th><th>port</th><th>listening hosts</th>"
        f"<th>share</th></tr></thead><tbody>{odd}</tbody></table></section>"
    )


def _host(view: HostView) -> str:
    states = ordered({s for counts in view.counts for s in counts})
    series = {s: [counts.get(s, 0) for counts in view.counts] for s in states}
    chart = lines(view.labels, series, f"{view.name}: TCP states over captures")
    return (
        f'<section class="card" id="{_anchor(view.name)}"><h2>{escape(view.name)}</h2>'
        f"<p class=quiet>{len(view.labels)} captures</p>"
        f'<h3>State counts over captures</h3><div class="chart-box">{chart}</div>'
        f"<h3>Findings</h3>{_findings(view.findings)}"
        f"<h3>Listeners at the last capture</h3>{_listeners(view.last)}"
        f"<h3>Changes from first to last capture</h3>{_changes(view.changes)}</section>"
    )


def _findings(found: list[dict[str, Any]]) -> str:
    if not found:
        return "<p class=quiet>none</p>"
    items = []
    for f in sorted(found, key=lambda f: SEVERITIES.index(f.get("severity", "info"))):
        value, threshold, slope = f.get("value"), f.get("threshold"), f.get("slope_per_min")
        measure = "" if value is None else f": {_number(value)}"
        limits = [] if threshold is None else [f"threshold {_number(threshold)}"]
        limits += [f"growing {slope:g} per minute"] if slope else []
        detail = f.get("detail")
        if isinstance(detail, dict):
            limits += [f"{key} {_number(value)}" for key, value in detail.items()]
        measure += f" ({', '.join(limits)})" if limits else ""
        items.append(
            f'<li><span class="badge {escape(f["severity"])}">{escape(f["severity"])}</span> '
            f"<b>{escape(f['rule'])}</b> {escape(str(f['subject']))}{escape(measure)}"
            f"<p class=explain>{escape(str(f.get('explain', '')))}</p></li>"
        )
    return f'<ul class="findings">{"".join(items)}</ul>'


def _listeners(last: Snapshot | None) -> str:
    if last is None or not last.listeners:
        return "<p class=quiet>none</p>"
    rows = []
    for key in sorted(last.listeners, key=lambda k: (k[2] or 0, str(k[0]), str(k[1]))):
        proto, address, port = key
        owners = sorted({pair for r in last.listeners[key] for pair in owner(r)}, key=str)
        who = ", ".join(f"{p}[{pid}]" for p, pid in owners)
        rows.append(
            f"<tr><td>{escape(str(proto))}</td><td>{escape(str(address))}</td>"
            f"<td class=num>{'*' if port is None else port}</td><td>{scope(address)}</td>"
            f"<td>{escape(who)}</td></tr>"
        )
    return (
        "<table><thead><tr><th>proto</th><th>address</th><th>port</th><th>scope</th>"
        f"<th>owners</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _changes(changes: Diff | None) -> str:
    if changes is None:
        return "<p class=quiet>one capture only</p>"
    rows = []
    for e in changes.events:
        remote = "" if e["remote_port"] is None else f"{e['remote_address']}:{e['remote_port']}"
        rows.append(
            f"<tr><td>{escape(e['event'])}</td><td>{escape(str(e['proto']))}</td>"
            f"<td>{escape(str(e['local_address']))}:{e['local_port']}</td>"
            f"<td>{escape(remote)}</td><td>{_value(e['before'])}</td>"
            f"<td>{_value(e['after'])}</td></tr>"
        )
    events = (
        "<table><thead><tr><th>event</th><th>proto</th><th>local</th><th>remote</th>"
        f"<th>before</th><th>after</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        if rows
        else "<p class=quiet>no listener or connection changed</p>"
    )
    deltas = "".join(
        f"<tr><td>{escape(s)}</td><td class=num>{c['before']}</td><td class=num>{c['after']}</td>"
        f"<td class=num>{c['delta']:+d}</td></tr>"
        for s, c in changes.states.items()
    )
    return (
        f"<p class=quiet>{escape(changes.old)} to {escape(changes.new)}</p>{events}"
        "<table class=narrow><thead><tr><th>state</th><th>before</th><th>after</th>"
        f"<th>delta</th></tr></thead><tbody>{deltas}</tbody></table>"
    )


def _number(value: Any) -> str:
    return format(value, "g") if isinstance(value, (int, float)) else str(value)


def _value(value: Any) -> str:
    if value is None:
        return "<span class=quiet>-</span>"
    if isinstance(value, list):
        return escape(", ".join(f"{o['program']}[{o['pid']}]" for o in value))
    if isinstance(value, dict):
        owners = _value(value["owners"]) if value["owners"] else ""
        return f"{escape(str(value['local_address']))} ({escape(value['scope'])}) {owners}"
    return escape(str(value))


def _short(snapshot: Snapshot) -> str:
    """A capture's label on a chart: its time of day, else its number."""
    if snapshot.captured_at:
        return snapshot.captured_at[11:19] or snapshot.captured_at
    return f"#{snapshot.capture}"


def _anchor(host: str) -> str:
    return "host-" + "".join(c if c.isalnum() else "-" for c in host)


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; \
style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><style>{style}</style></head>
<body><div id="render-status" hidden></div>
{body}
<script>{script}</script></body></html>
"""
STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f4f6f9;
color:#1b1b1b;font-size:14px}
header{background:#16498c;color:#fff;padding:18px 28px}
header h1{margin:0;font-size:22px}header p{margin:6px 0 0;opacity:.85}
.card{background:#fff;margin:18px 28px;padding:14px 22px 18px;border-radius:8px;
box-shadow:0 1px 3px rgba(0,0,0,.12)}
h2{margin:4px 0 10px;font-size:18px}h3{font-size:14px;margin:18px 0 8px;color:#333}
table{border-collapse:collapse;margin:4px 0 8px;min-width:50%}
table.narrow{min-width:0}
th,td{text-align:left;padding:4px 10px;border-bottom:1px solid #e6e6e6}
th{background:#f0f3f7;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
td.critical{color:#b00020;font-weight:600}td.warning{color:#a15c00;font-weight:600}
.quiet{color:#777}.chart-box{overflow-x:auto}
.findings{list-style:none;padding:0}.findings li{margin:0 0 10px}
.explain{margin:4px 0 0 0;color:#444;max-width:900px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;color:#fff}
.badge.critical{background:#b00020}.badge.warning{background:#d98200}.badge.info{background:#4c78a8}
a{color:#16498c}
"""
SCRIPT = """
(function () {
  var errors = [];
  function mark() {
    var charts = document.querySelectorAll("svg.chart"), drawn = 0;
    charts.forEach(function (svg) {
      var box = svg.getBBox();
      if (box.width > 0 && box.height > 0 && svg.querySelector("rect, polyline")) drawn++;
    });
    var status = document.getElementById("render-status");
    status.setAttribute("data-charts", charts.length);
    status.setAttribute("data-drawn", drawn);
    status.setAttribute("data-errors", errors.length);
    status.textContent = errors.join("\\n");
  }
  window.addEventListener("error", function (e) { errors.push(String(e.message)); mark(); });
  window.addEventListener("load", mark);
})();
"""
