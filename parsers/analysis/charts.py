"""Charts as inline SVG, drawn here in Python: a page that holds them needs no script, style
sheet or font from anywhere, opens offline and prints as it shows."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

STATE_ORDER = (
    "LISTEN",
    "SYN-SENT",
    "SYN-RECEIVED",
    "ESTABLISHED",
    "FIN-WAIT-1",
    "FIN-WAIT-2",
    "CLOSE-WAIT",
    "CLOSING",
    "LAST-ACK",
    "TIME-WAIT",
    "CLOSED",
    "BOUND",
    "IDLE",
    "DELETE-TCB",
)
COLOURS = {
    "LISTEN": "#4c78a8",
    "SYN-SENT": "#9ecae9",
    "SYN-RECEIVED": "#f58518",
    "ESTABLISHED": "#54a24b",
    "FIN-WAIT-1": "#b279a2",
    "FIN-WAIT-2": "#d6a5c9",
    "CLOSE-WAIT": "#e45756",
    "CLOSING": "#9d755d",
    "LAST-ACK": "#bab0ac",
    "TIME-WAIT": "#eeca3b",
    "CLOSED": "#79706e",
    "BOUND": "#72b7b2",
    "IDLE": "#88d27a",
    "DELETE-TCB": "#ff9da6",
}
FONT = "font-family:system-ui,sans-serif"


def ordered(states: Sequence[str] | set[str]) -> list[str]:
    """States in the RFC's order, unknown ones after, by name."""
    known = [s for s in STATE_ORDER if s in states]
    return known + sorted(set(states) - set(STATE_ORDER))


def heatmap(hosts: Sequence[str], states: Sequence[str], counts: Sequence[Sequence[int]]) -> str:
    """A host x state grid, each cell's shade by its count on a log scale, the count written in."""
    cell_w, cell_h, left, top = 86, 26, max(80, 8 * max(map(len, hosts), default=0) + 16), 74
    width, height = left + cell_w * len(states) + 8, top + cell_h * len(hosts) + 8
    peak = max((c for row in counts for c in row), default=0)
    parts = [_open("heatmap", width, height, "Hosts by TCP state")]
    for j, state in enumerate(states):
        x = left + j * cell_w + cell_w / 2
        parts.append(
            f'<text x="{x}" y="{top - 8}" transform="rotate(-30 {x} {top - 8})" '
            f'font-size="11" text-anchor="start">{escape(state)}</text>'
        )
    for i, host in enumerate(hosts):
        y = top + i * cell_h
        parts.append(
            f'<text x="{left - 8}" y="{y + cell_h / 2 + 4}" font-size="12" '
            f'text-anchor="end">{escape(host)}</text>'
        )
        for j, count in enumerate(counts[i]):
            share = math.log1p(count) / math.log1p(peak) if peak else 0
            fill = _blue(share)
            ink = "#fff" if share > 0.55 else "#1b1b1b"
            x = left + j * cell_w
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" rx="3" '
                f'fill="{fill}"><title>{escape(host)} {escape(states[j])}: {count}</title></rect>'
                f'<text x="{x + cell_w / 2 - 1}" y="{y + cell_h / 2 + 4}" font-size="12" '
                f'text-anchor="middle" fill="{ink}">{count if count else ""}</text>'
            )
    return "".join(parts) + "</svg>"


def lines(labels: Sequence[str], series: Mapping[str, Sequence[int]], title: str) -> str:
    """Counts over captures, one line per state, labels along the bottom, a legend at the right."""
    width, height, left, right, top, bottom = 720, 240, 44, 150, 14, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((v for values in series.values() for v in values), default=0)
    ceiling = _nice(peak)
    step = plot_w / max(1, len(labels) - 1)
    parts = [_open("lines", width, height, title)]
    for k in range(5):
        value = ceiling * k / 4
        y = top + plot_h - plot_h * k / 4
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y}" y2="{y}" stroke="#e3e3e3"/>'
            f'<text x="{left - 6}" y="{y + 4}" font-size="10" text-anchor="end">{value:g}</text>'
        )
    every = max(1, math.ceil(len(labels) / 8))
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            x = left + i * step if len(labels) > 1 else left + plot_w / 2
            parts.append(
                f'<text x="{x}" y="{height - bottom + 16}" font-size="10" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    for n, (state, values) in enumerate(series.items()):
        colour = COLOURS.get(state, "#555")
        points = [
            (
                left + i * step if len(values) > 1 else left + plot_w / 2,
                top + plot_h - (plot_h * v / ceiling if ceiling else 0),
            )
            for i, v in enumerate(values)
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(
            f'<polyline class="series" points="{path}" fill="none" stroke="{colour}" '
            f'stroke-width="2.2"><title>{escape(state)}</title></polyline>'
        )
        parts += [
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}">'
            f"<title>{escape(state)} {escape(labels[i])}: {values[i]}</title></circle>"
            for i, (x, y) in enumerate(points)
        ]
        ly = top + 6 + n * 17
        parts.append(
            f'<rect x="{width - right + 14}" y="{ly - 8}" width="12" height="12" rx="2" '
            f'fill="{colour}"/><text x="{width - right + 32}" y="{ly + 2}" '
            f'font-size="11">{escape(state)}</text>'
        )
    return "".join(parts) + "</svg>"


def _open(kind: str, width: float, height: float, title: str) -> str:
    return (
        f'<svg class="chart {kind}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'style="{FONT};max-width:100%;height:auto" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    )


def _blue(share: float) -> str:
    """From near white (0) to deep blue (1)."""
    low, high = (241, 245, 251), (22, 73, 140)
    r, g, b = (round(a + (z - a) * share) for a, z in zip(low, high))
    return f"#{r:02x}{g:02x}{b:02x}"


def _nice(value: float) -> float:
    """A round axis ceiling at or above ``value`` (1, 2 or 5 times a power of ten)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return float(next(m * power for m in (1, 2, 5, 10) if m * power >= value))
