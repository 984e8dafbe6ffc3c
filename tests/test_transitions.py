"""RFC 9293's state machine as data, and which changes a connection can make between snapshots."""

from __future__ import annotations

import pytest

from netstat_normalizer.analysis.transitions import possible, transitions
from netstat_normalizer.model.states import TcpState

RFC_STATES = {s.value for s in TcpState} - {"BOUND", "IDLE", "DELETE-TCB"}


def test_the_table_is_figure_5() -> None:
    arrows = transitions()
    assert len(arrows) == 20  # the arrows drawn in RFC 9293's Figure 5
    assert len({(a.before, a.after) for a in arrows}) == 20
    assert {a.before for a in arrows} | {a.after for a in arrows} == RFC_STATES
    assert ("LISTEN", "SYN-RECEIVED", "rcv SYN, snd SYN,ACK") in arrows
    assert ("TIME-WAIT", "CLOSED", "Timeout=2MSL, delete TCB") in arrows


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
