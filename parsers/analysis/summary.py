"""``summarize``: counts per capture (states, listeners, inbound and outbound, top peers,
processes and remote ports, TIME-WAIT per destination), or per ``--by`` group, streaming: a
capture's counters are all that is held, and each summary is yielded as its capture ends."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ..model.record import Record
from ..model.states import TcpState
from . import select
from .knowledge import ephemeral_range
from .select import UDP, capture_key, getter
from .snapshot import scope

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


STATE_CODES: dict[str | None, int] = {None: 0, **{s.value: n + 1 for n, s in enumerate(TcpState)}}
STATE_NAMES = {code: state for state, code in STATE_CODES.items()}
PROTO_CODES: dict[str | None, int] = {"tcp": 1, "udp": 2}
PROTO_NAMES: dict[int, str | None] = {1: "tcp", 2: "udp"}
"""Connections are counted under one int per (local port, state, proto): dict keys that hash at
once, where a tuple would be built and hashed for every record."""


def _connection(key: int) -> tuple[str | None, int | None, str | None]:
    rest, proto = divmod(key, 8)
    port, state = divmod(rest, 32)
    return PROTO_NAMES.get(proto), None if port == -1 else port, STATE_NAMES[state]


class CaptureSummary:
    """The counters of one capture, fed record by record (plain dicts: ``Counter``'s
    ``__missing__`` costs a Python call for every new key)."""

    def __init__(self, key: tuple[Any, ...], first: Record) -> None:
        self.key = key
        self.first = first
        self.records = 0
        self.states: dict[str, int] = {}
        self.states_raw: dict[str, int] = {}
        self.listeners: list[Record] = []
        self.connections: dict[int, int] = {}
        self.peers: dict[str, int] = {}
        self.remote_ports: dict[int, int] = {}
        self.processes: dict[int | str, int] = {}
        self.programs: dict[int | str, tuple[int | None, str | None]] = {}
        self.time_wait: dict[tuple[str | None, int | None], int] = {}

    def add(self, record: Record) -> None:
        self.records += 1
        if record.kind != "socket":
            return
        state = record.state
        if state is not None:
            self.states[state] = self.states.get(state, 0) + 1
        raw = record.state_raw
        if raw is not None:
            self.states_raw[raw] = self.states_raw.get(raw, 0) + 1
        owner = record.pid if record.pid is not None else record.program
        if owner is not None:
            n = self.processes.get(owner, 0)
            if not n:
                self.programs[owner] = (record.pid, record.program)
            self.processes[owner] = n + 1
        peer, port, proto = record.remote_address, record.remote_port, record.proto
        if state == "LISTEN" or (port is None and proto in UDP and record.local_port is not None):
            self.listeners.append(record)  # TCP LISTEN, or UDP bound with no peer
            return
        if peer is None or proto == "unix":
            return
        local = record.local_port
        key = ((-1 if local is None else local) * 32 + STATE_CODES[state]) * 8 + PROTO_CODES.get(
            proto, 0
        )
        self.connections[key] = self.connections.get(key, 0) + 1
        self.peers[peer] = self.peers.get(peer, 0) + 1
        if port is not None:
            self.remote_ports[port] = self.remote_ports.get(port, 0) + 1
        if state == "TIME-WAIT":
            destination = (peer, port)
            self.time_wait[destination] = self.time_wait.get(destination, 0) + 1

    def result(self, top: int) -> dict[str, Any]:
        first = self.first
        listening = {(r.proto, r.local_port) for r in self.listeners}
        inbound: Counter[str | None] = Counter()
        outbound: Counter[str | None] = Counter()
        on_port: dict[tuple[str | None, int | None], Counter[str | None]] = {}
        for key, n in self.connections.items():
            proto, port, state = _connection(key)
            if (proto, port) in listening:
                inbound[state] += n
                on_port.setdefault((proto, port), Counter())[state] += n
            else:
                outbound[state] += n
        processes = Counter(self.processes).most_common(top)
        return {
            "host": first.host,
            "capture": first.capture,
            "captured_at": first.captured_at,
            "source": {"path": first.source.get("path"), "member": first.source.get("member")},
            "dialect": first.dialect,
            "records": self.records,
            "states": dict(Counter(self.states).most_common()),
            "states_raw": dict(Counter(self.states_raw).most_common()),
            "listeners": [
                _listener(r, on_port.get((r.proto, r.local_port))) for r in self.listeners
            ],
            "inbound": _split(inbound),
            "outbound": _split(outbound),
            "top": {
                "peers": [
                    {"address": a, "count": n} for a, n in Counter(self.peers).most_common(top)
                ],
                "processes": [
                    {"pid": pid, "program": program, "count": n}
                    for (pid, program), n in ((self.programs[o], n) for o, n in processes)
                ],
                "remote_ports": [
                    {"port": p, "count": n} for p, n in Counter(self.remote_ports).most_common(top)
                ],
            },
            "time_wait": _time_wait(Counter(self.time_wait), first.dialect, top),
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
