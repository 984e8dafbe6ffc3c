"""RFC 9293's state machine (section 3.3.2, Figure 5), read from ``data/transitions.tsv``, and
which state changes one connection can make between two snapshots."""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from ..resources import read_text

THROUGH_NONE = frozenset({"CLOSED", "LISTEN"})
"""States a connection never passes through between two sightings: in CLOSED its TCB is deleted
and in LISTEN it has no remote end, so a tuple seen again after either is a new connection."""


class Transition(NamedTuple):
    """One arrow of Figure 5: the event that causes it and the action taken, in the RFC's words."""

    before: str
    after: str
    event: str


def transitions() -> tuple[Transition, ...]:
    """The arrows of RFC 9293's Figure 5, in the table's order."""
    return _load()


@cache
def _load() -> tuple[Transition, ...]:
    text = read_text(__package__, "data/transitions.tsv")
    header, *rows = text.splitlines()
    if header.split("\t") != ["from", "to", "event"]:
        raise ValueError(f"transitions.tsv: unexpected header {header!r}")
    return tuple(Transition(*row.split("\t")) for row in rows if row)


@cache
def _reach() -> dict[str, frozenset[str]]:
    """Each state -> the states one connection can be in later, by one or more arrows whose
    intermediate states are not in THROUGH_NONE; nothing after CLOSED."""
    nexts: dict[str, set[str]] = {}
    for arrow in transitions():
        nexts.setdefault(arrow.before, set()).add(arrow.after)
    reach: dict[str, frozenset[str]] = {"CLOSED": frozenset()}  # no TCB: nothing follows
    for start in nexts.keys() - {"CLOSED"}:
        seen: set[str] = set()
        todo = [start]
        while todo:
            for after in nexts.get(todo.pop(), ()):
                if after not in seen:
                    seen.add(after)
                    if after not in THROUGH_NONE:
                        todo.append(after)
        reach[start] = frozenset(seen)
    return reach


def possible(before: str, after: str) -> bool:
    """Whether a connection seen in ``before`` can be seen in ``after`` in a later snapshot, states
    between the two skipped: the same state, or one Figure 5 reaches. A state the figure does not
    know (BOUND, IDLE, DELETE-TCB) is possible only as itself."""
    return before == after or after in _reach().get(before, frozenset())
