"""``summarize``: counts per capture (states, listeners, inbound and outbound, top peers,
processes and remote ports, TIME-WAIT per destination), or per ``--by`` group, streaming: a
capture's counters are all that is held, and each summary is yielded as its capture ends."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ..model.record import Record
from . import select
from .knowledge import ephemeral_ranges, systems
from .select import capture_key, getter, is_listener, scope

TOP = 10


def summarize(
    records: Iterable[Record], by: Sequence[str] = (), where: Iterable[str] = (), top: int = TOP
) -> Iterator[dict[str, Any]]:
    """One summary per (source, capture), or with ``by`` one per group of those fields' values
    (with ``count`` and ``states``), largest first.  ``where`` holds ``FIELD=VALUE`` filters
    (exact; any spelling of a state)."""
    chosen = select.where(records, where)
    if by:
        yield from _groups(chosen, by)
        return
    current: CaptureSummary | None = None
    for record in chosen:
        key = capture_key(record)
        if current is None or current.key != key:
            if current is not None:
                yield current.result(top)
            current = CaptureSummary(key, record)
        current.add(record)
    if current is not None:
        yield current.result(top)


def _groups(records: Iterable[Record], by: Sequence[str]) -> Iterator[dict[str, Any]]:
    getters = [getter(field) for field in by]
    counts: dict[tuple[Any, ...], Counter[str | None]] = {}
    for record in records:
        key = tuple(get(record) for get in getters)
        states = counts.get(key)
        if states is None:
            states = counts[key] = Counter()
        states[record.state] += 1
    for key, states in sorted(counts.items(), key=lambda item: -item[1].total()):
        yield {
            **dict(zip(by, key)),
            "count": states.total(),
            "states": {state: n for state, n in states.most_common() if state is not None},
        }


class CaptureSummary:
    """The counters of one capture, fed record by record."""

    def __init__(self, key: tuple[Any, ...], first: Record) -> None:
        self.key = key
        self.first = first
        self.records = 0
        self.states: Counter[str] = Counter()
        self.states_raw: Counter[str] = Counter()
        self.listeners: list[Record] = []
        self.by_port: Counter[tuple[str | None, int | None, str | None]] = Counter()
        self.peers: Counter[str] = Counter()
        self.remote_ports: Counter[int] = Counter()
        self.processes: Counter[tuple[int | None, str | None]] = Counter()
        self.time_wait: Counter[tuple[str | None, int | None]] = Counter()

    def add(self, record: Record) -> None:
        self.records += 1
        if record.kind != "socket":
            return
        state = record.state
        if state is not None:
            self.states[state] += 1
        if record.state_raw is not None:
            self.states_raw[record.state_raw] += 1
        if record.pid is not None or record.program is not None:
            self.processes[record.pid, record.program] += 1
        if is_listener(record):
            self.listeners.append(record)
            return
        if record.remote_address is None or record.proto == "unix":
            return
        self.by_port[record.proto, record.local_port, state] += 1
        self.peers[record.remote_address] += 1
        if record.remote_port is not None:
            self.remote_ports[record.remote_port] += 1
        if state == "TIME-WAIT":
            self.time_wait[record.remote_address, record.remote_port] += 1

    def result(self, top: int) -> dict[str, Any]:
        first = self.first
        listening = {(r.proto, r.local_port) for r in self.listeners}
        inbound: Counter[str | None] = Counter()
        outbound: Counter[str | None] = Counter()
        on_port: dict[tuple[str | None, int | None], Counter[str | None]] = {}
        for (proto, port, state), n in self.by_port.items():
            if (proto, port) in listening:
                inbound[state] += n
                on_port.setdefault((proto, port), Counter())[state] += n
            else:
                outbound[state] += n
        return {
            "host": first.host,
            "capture": first.capture,
            "captured_at": first.captured_at,
            "source": {"path": first.source.get("path"), "member": first.source.get("member")},
            "dialect": first.dialect,
            "records": self.records,
            "states": dict(self.states.most_common()),
            "states_raw": dict(self.states_raw.most_common()),
            "listeners": [
                _listener(r, on_port.get((r.proto, r.local_port))) for r in self.listeners
            ],
            "inbound": _split(inbound),
            "outbound": _split(outbound),
            "top": {
                "peers": [{"address": a, "count": n} for a, n in self.peers.most_common(top)],
                "processes": [
                    {"pid": pid, "program": program, "count": n}
                    for (pid, program), n in self.processes.most_common(top)
                ],
                "remote_ports": [
                    {"port": p, "count": n} for p, n in self.remote_ports.most_common(top)
                ],
            },
            "time_wait": _time_wait(self.time_wait, first.dialect, top),
        }


def _split(states: Counter[str | None]) -> dict[str, Any]:
    return {
        "count": states.total(),
        "states": {state: n for state, n in states.most_common() if state is not None},
    }


def _listener(record: Record, connections: Counter[str | None] | None) -> dict[str, Any]:
    states = connections or Counter()
    return {
        "proto": record.proto,
        "address": record.local_address,
        "port": record.local_port,
        "scope": scope(record.local_address),
        "pid": record.pid,
        "program": record.program,
        "queue": record.recv_q if record.dialect == "linux-ss" else None,
        "backlog": record.send_q if record.dialect == "linux-ss" else None,
        "connections": {state: n for state, n in states.most_common() if state is not None},
    }


def ephemeral_range(dialect: str) -> tuple[str, int, int] | None:
    """The OS of a dialect and its default ephemeral port range."""
    system = systems().get(dialect)
    if system is None or system not in ephemeral_ranges():
        return None
    return (system, *ephemeral_ranges()[system])


def _time_wait(
    counts: Counter[tuple[str | None, int | None]], dialect: str, top: int
) -> dict[str, Any]:
    known = ephemeral_range(dialect)
    ports = known[2] - known[1] + 1 if known else None
    return {
        "count": counts.total(),
        "ephemeral_range": (
            {"os": known[0], "first": known[1], "last": known[2], "ports": ports} if known else None
        ),
        "destinations": [
            {
                "remote_address": address,
                "remote_port": port,
                "count": n,
                "share": round(n / ports, 4) if ports else None,
            }
            for (address, port), n in counts.most_common(top)
        ],
    }
