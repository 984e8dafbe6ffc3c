"""RFC 9293's state machine as data, and which changes a connection can make between snapshots."""

from __future__ import annotations

import pytest

from netstat_normalizer.analysis.transitions import possible, transitions
from netstat_normalizer.model.states import TcpState

RFC_STATES = {s.value for s in TcpState} - {"BOUND", "IDLE", "DELETE-TCB"}


FIGURE_5 = {  # the arrows drawn in RFC 9293's Figure 5 (section 3.3.2)
    ("CLOSED", "LISTEN"),
    ("CLOSED", "SYN-SENT"),
    ("LISTEN", "CLOSED"),
    ("LISTEN", "SYN-RECEIVED"),
    ("LISTEN", "SYN-SENT"),
    ("SYN-RECEIVED", "LISTEN"),
    ("SYN-SENT", "SYN-RECEIVED"),
    ("SYN-SENT", "CLOSED"),
    ("SYN-RECEIVED", "ESTABLISHED"),
    ("SYN-SENT", "ESTABLISHED"),
    ("SYN-RECEIVED", "FIN-WAIT-1"),
    ("ESTABLISHED", "FIN-WAIT-1"),
    ("ESTABLISHED", "CLOSE-WAIT"),
    ("FIN-WAIT-1", "FIN-WAIT-2"),
    ("FIN-WAIT-1", "CLOSING"),
    ("CLOSE-WAIT", "LAST-ACK"),
    ("FIN-WAIT-2", "TIME-WAIT"),
    ("CLOSING", "TIME-WAIT"),
    ("LAST-ACK", "CLOSED"),
    ("TIME-WAIT", "CLOSED"),
}


def test_the_table_holds_figure_5() -> None:
    arrows = transitions()
    pairs = {(a.before, a.after) for a in arrows}
    assert pairs >= FIGURE_5
    assert len(pairs) == len(arrows)  # one line per arrow
    assert {a.before for a in arrows} | {a.after for a in arrows} == RFC_STATES
    assert all(a.event for a in arrows)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("SYN-SENT", "ESTABLISHED"),
        ("ESTABLISHED", "TIME-WAIT"),  # FIN-WAIT-1 and -2 skipped between two snapshots
        ("SYN-RECEIVED", "CLOSE-WAIT"),
        ("FIN-WAIT-1", "TIME-WAIT"),
        ("CLOSE-WAIT", "CLOSED"),
        ("ESTABLISHED", "ESTABLISHED"),
    ],
)
def test_possible(before: str, after: str) -> None:
    assert possible(before, after)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("TIME-WAIT", "SYN-RECEIVED"),  # only through CLOSED: a new connection
        ("TIME-WAIT", "ESTABLISHED"),
        ("CLOSE-WAIT", "ESTABLISHED"),
        ("FIN-WAIT-2", "CLOSE-WAIT"),
        ("LAST-ACK", "TIME-WAIT"),
        ("CLOSED", "ESTABLISHED"),
        ("BOUND", "ESTABLISHED"),
    ],
)
def test_impossible(before: str, after: str) -> None:
    assert not possible(before, after)
