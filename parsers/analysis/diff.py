"""What changed between two captures: listeners added, removed, restarted (another owner) or
rebound wider or narrower (another scope), connections new, gone or in another state, and the
count of each state before and after."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model.record import Record
from .snapshot import ConnectionKey, ListenerKey, Snapshot, owner, scope

EVENTS = (
    "listener-added",
    "listener-removed",
    "listener-owner-changed",
    "listener-scope-changed",
    "connection-new",
    "connection-gone",
    "state-changed",
)
"""Every event ``diff`` reports, in the order it lists them."""


@dataclass
class Diff:
    """The events between two snapshots and the state counts of each."""

    old: str
    new: str
    events: list[dict[str, Any]] = field(default_factory=list)
    states: dict[str, dict[str, int]] = field(default_factory=dict)
    """State -> ``before``, ``after`` and ``delta`` counts."""

    def to_dict(self) -> dict[str, Any]:
        return {"old": self.old, "new": self.new, "events": self.events, "states": self.states}


def diff(old: Snapshot, new: Snapshot) -> Diff:
    """The changes from ``old`` to ``new``, events in EVENTS order, then by identity."""
    result = Diff(old.label, new.label)
    result.events = _listener_events(old.listeners, new.listeners)
    result.events += _connection_events(old.connections, new.connections)
    result.events.sort(key=lambda e: (EVENTS.index(e["event"]), _order(e)))
    before, after = old.states, new.states
    for state in sorted(before.keys() | after.keys()):
        b, a = before.get(state, 0), after.get(state, 0)
        result.states[state] = {"before": b, "after": a, "delta": a - b}
    return result


def _listener_events(
    old: dict[ListenerKey, list[Record]], new: dict[ListenerKey, list[Record]]
) -> list[dict[str, Any]]:
    events = []
    for key in old.keys() & new.keys():
        before, after = _owners(old[key]), _owners(new[key])
        if before and after and before != after:
            events.append(_event("listener-owner-changed", key, _who(before), _who(after)))
    removed = sorted(old.keys() - new.keys(), key=_order_key)
    added = sorted(new.keys() - old.keys(), key=_order_key)
    for gone in list(removed):  # the same port bound elsewhere: one rebind, not two events
        there = next((k for k in added if k[0] == gone[0] and k[2] == gone[2]), None)
        if there is not None and scope(gone[1]) != scope(there[1]):
            removed.remove(gone)
            added.remove(there)
            event = _event("listener-scope-changed", there, _where(gone, old), _where(there, new))
            events.append(event)
    events += [_event("listener-removed", k, _where(k, old), None) for k in removed]
    events += [_event("listener-added", k, None, _where(k, new)) for k in added]
    return events


def _connection_events(
    old: dict[ConnectionKey, Record], new: dict[ConnectionKey, Record]
) -> list[dict[str, Any]]:
    events = [_event("connection-gone", k, old[k].state, None) for k in old.keys() - new.keys()]
    events += [_event("connection-new", k, None, new[k].state) for k in new.keys() - old.keys()]
    for key in old.keys() & new.keys():
        if old[key].state != new[key].state:
            events.append(_event("state-changed", key, old[key].state, new[key].state))
    return events


def _event(name: str, key: tuple[Any, ...], before: Any, after: Any) -> dict[str, Any]:
    remote = key[3:] if len(key) == 5 else (None, None)
    return {
        "event": name,
        "proto": key[0],
        "local_address": key[1],
        "local_port": key[2],
        "remote_address": remote[0],
        "remote_port": remote[1],
        "before": before,
        "after": after,
    }


def _owners(records: list[Record]) -> tuple[tuple[str | None, int | None], ...]:
    return tuple(sorted({pair for r in records for pair in owner(r)}, key=str))


def _who(owners: tuple[tuple[str | None, int | None], ...]) -> list[dict[str, Any]]:
    return [{"program": program, "pid": pid} for program, pid in owners]


def _where(key: ListenerKey, listeners: dict[ListenerKey, list[Record]]) -> dict[str, Any]:
    return {
        "local_address": key[1],
        "scope": scope(key[1]),
        "owners": _who(_owners(listeners[key])),
    }


def _order_key(key: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple(
        "" if part is None else f"{part:>5}" if isinstance(part, int) else part for part in key
    )


def _order(event: dict[str, Any]) -> tuple[str, ...]:
    fields = ("proto", "local_port", "local_address", "remote_address", "remote_port")
    return _order_key(tuple(event[f] for f in fields))
