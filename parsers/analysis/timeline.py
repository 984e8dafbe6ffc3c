"""Connections followed across captures: when each was first and last seen, the states it went
through, bounds on its age, and rules over time (``close-wait-leak``, ``fin-wait-2-stale``,
``listener-flap``) in the findings' format.

Records stream through once.  Memory holds, per host, the connections of its latest capture (a
fixed-size object each: a connection visits at most nine states, see ``transitions``), its
listeners, and one row of counts per capture; a connection leaves memory (and is yielded) at the
first capture that no longer shows it.  Captures are taken in input order: each file's captures in
turn, files as given.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import NetstatNormalizerError
from ..model.record import Record
from ..resources import read_text
from .snapshot import INTERNET, ConnectionKey, ListenerKey, host_of, seconds
from .transitions import possible

EVIDENCE = 10
"""At most this many connections or captures listed as a finding's evidence."""


class OutOfOrder(NetstatNormalizerError):
    """A host's capture is older than the one before it in the input."""


def rules() -> dict[str, dict[str, Any]]:
    """The rules over time: severity, thresholds and explanations (``data/timeline_rules.json``)."""
    text = read_text(__package__, "data/timeline_rules.json")
    loaded: dict[str, dict[str, Any]] = json.loads(text)
    return loaded


@dataclass(slots=True)
class Connection:
    """One connection: a 4-tuple from its first sighting to its last, or to a state it cannot
    have reached (then the tuple's next connection starts)."""

    key: ConnectionKey
    first: int
    """The host's capture (0, 1, ...) that first showed it."""
    last: int
    """The host's latest capture that showed it (a connection is in every capture between)."""
    states: list[str | None]
    entered: list[int]
    """The capture each state was first seen in."""
    program: str | None
    pid: int | None
    reuses: str | None = None
    """The state the tuple's previous connection was last seen in, when this one reuses it."""


@dataclass(slots=True)
class Listening:
    """A listener's presence over a host's captures."""

    last: int
    present: bool = True
    changes: int = 0
    missing: list[int] = field(default_factory=list)
    """Captures that did not show it after its first (the first EVIDENCE of them)."""


@dataclass
class Host:
    """What the timeline keeps about one host."""

    name: str
    times: list[float | None] = field(default_factory=list)
    stamps: list[str] = field(default_factory=list)
    """Each capture's time (ISO 8601), or its file and number when it has no time."""
    active: dict[ConnectionKey, Connection] = field(default_factory=dict)
    listeners: dict[ListenerKey, Listening] = field(default_factory=dict)
    close_wait: list[Counter[tuple[int | None, str | None]]] = field(default_factory=list)
    """Per capture: CLOSE-WAIT connections per (local port, program)."""
    owners_shown: bool = False
    source: dict[str, str | None] = field(default_factory=dict)
    """The file (``path``) and archive member (``member``) of its latest capture."""
    stale: list[Connection] = field(default_factory=list)
    stale_count: int = 0
    stale_longest: float = 0.0

    def span(self, start: int, end: int) -> float | None:
        """Seconds from capture ``start`` to capture ``end`` (None without both times)."""
        a, b = self.times[start], self.times[end]
        return None if a is None or b is None else b - a


class Timeline:
    """Feed records with ``run``; it yields connections, per-capture counts, then findings."""

    def __init__(self, config: dict[str, dict[str, Any]] | None = None, lang: str = "en") -> None:
        self.rules = rules()
        self.lang = lang
        for rule, values in (config or {}).items():
            self.rules[rule].update(values)
        self.hosts: dict[str, Host] = {}

    def run(self, records: Iterable[Record]) -> Iterator[dict[str, Any]]:
        """Every connection (``type`` ``connection``) when it ends or at the end of input, every
        capture's counts (``counts``) when the next capture starts, then findings (``finding``)."""
        host = Host("")  # until the first record names one
        capture: int | None = None
        path = member = None
        n = 0
        states: Counter[str | None] = Counter()
        close_wait: Counter[tuple[int | None, str | None]] = Counter()
        active: dict[ConnectionKey, Connection] = {}
        listeners: dict[ListenerKey, Listening] = {}
        internet = INTERNET
        owners_shown = False
        for record in records:
            source = record.source
            if (
                record.capture != capture
                or source.get("path") != path
                or source.get("member") != member
            ):
                if capture is not None:
                    host.owners_shown |= owners_shown
                    yield from self._close(host, states)
                capture, path, member = record.capture, source.get("path"), source.get("member")
                host = self._open(record)
                n = len(host.times) - 1
                states, close_wait = Counter(), host.close_wait[n]
                active, listeners = host.active, host.listeners
                owners_shown = False
            state = record.state
            states[state] += 1
            program, pid = record.program, record.pid
            if not owners_shown and (pid is not None or program is not None):
                owners_shown = True  # so a connection without an owner is an orphan
            remote_port = record.remote_port
            if state == "LISTEN" or (
                remote_port is None and record.proto == "udp" and record.state_raw != "ESTAB"
            ):
                key = (record.proto, record.local_address, record.local_port)
                heard = listeners.get(key)
                if heard is None:
                    listeners[key] = Listening(n)
                else:
                    heard.last = n
                continue
            if remote_port is None or record.proto not in internet:
                continue
            if state == "CLOSE-WAIT":
                close_wait[record.local_port, program] += 1
            ckey = (
                record.proto,
                record.local_address,
                record.local_port,
                record.remote_address,
                remote_port,
            )
            conn = active.get(ckey)
            if conn is None:
                active[ckey] = Connection(ckey, n, n, [state], [n], program, pid)
                continue
            if conn.last == n:  # the same tuple twice in one capture: once is enough
                continue
            was = conn.states[-1]
            if state != was:
                if state is None or was is None or not possible(was, state):
                    yield self._connection(host, conn, ended="reused")
                    active[ckey] = Connection(ckey, n, n, [state], [n], program, pid, was)
                    continue
                conn.states.append(state)
                conn.entered.append(n)
            conn.last = n
            conn.program = program
            conn.pid = pid
        host.owners_shown |= owners_shown
        if capture is not None:
            yield from self._close(host, states)
        for track in self.hosts.values():
            for conn in track.active.values():
                yield self._connection(track, conn, ended=None)
        for track in self.hosts.values():
            yield from self._findings(track)

    def _open(self, record: Record) -> Host:
        name = host_of(record)
        track = self.hosts.get(name)
        if track is None:
            track = self.hosts[name] = Host(name)
        path = record.source.get("path") or "<stdin>"
        when = seconds(record.captured_at)
        previous = next((t for t in reversed(track.times) if t is not None), None)
        if when is not None and previous is not None and when < previous:
            raise OutOfOrder(
                f"{name}: capture {path}@{record.capture} ({record.captured_at}) is older than "
                f"the one before it; give each host's captures in time order"
            )
        track.source = {"path": record.source.get("path"), "member": record.source.get("member")}
        track.times.append(when)
        track.stamps.append(record.captured_at or f"{path}@{record.capture}")
        track.close_wait.append(Counter())
        return track

    def _close(self, track: Host, states: Counter[str | None]) -> Iterator[dict[str, Any]]:
        """The end of ``track``'s latest capture: connections it no longer shows end, listeners
        it no longer shows are missing, and its counts are yielded."""
        n = len(track.times) - 1
        gone = [key for key, conn in track.active.items() if conn.last != n]
        for key in gone:
            yield self._connection(track, track.active.pop(key), ended="gone")
        for heard in track.listeners.values():
            if (heard.last == n) != heard.present:
                heard.present = not heard.present
                heard.changes += 1
            if not heard.present and len(heard.missing) < EVIDENCE:
                heard.missing.append(n)
        yield {
            "type": "counts",
            "host": track.name,
            "capture": n,
            "captured_at": track.stamps[n],
            "states": {s: c for s, c in sorted(states.items(), key=str) if s is not None},
            "listeners": sum(heard.last == n for heard in track.listeners.values()),
            "connections": len(track.active),
        }

    def _connection(self, track: Host, conn: Connection, ended: str | None) -> dict[str, Any]:
        self._check_stale(track, conn)
        before = conn.first - 1
        proto, local_address, local_port, remote_address, remote_port = conn.key
        return {
            "type": "connection",
            "host": track.name,
            "proto": proto,
            "local_address": local_address,
            "local_port": local_port,
            "remote_address": remote_address,
            "remote_port": remote_port,
            "first_seen": track.stamps[conn.first],
            "last_seen": track.stamps[conn.last],
            "first_capture": conn.first,
            "last_capture": conn.last,
            "captures": conn.last - conn.first + 1,
            "states": conn.states,
            "entered": [track.stamps[n] for n in conn.entered],
            "age_s": {
                "lower": track.span(conn.first, conn.last),
                "upper": track.span(before, conn.last) if before >= 0 else None,
            },
            "ended": ended,
            "reuses": conn.reuses,
            "program": conn.program,
            "pid": conn.pid,
        }

    def _check_stale(self, track: Host, conn: Connection) -> None:
        """Count ``conn`` for ``fin-wait-2-stale`` when it is an orphan seen in FIN-WAIT-2 for
        longer than the host's ``tcp_fin_timeout`` allows."""
        if not track.owners_shown or conn.program is not None or conn.pid is not None:
            return
        if "FIN-WAIT-2" not in conn.states:
            return
        at = conn.states.index("FIN-WAIT-2")
        end = conn.entered[at + 1] - 1 if at + 1 < len(conn.states) else conn.last
        lasted = track.span(conn.entered[at], end)
        if lasted is not None and lasted > self.rules["fin-wait-2-stale"]["tcp_fin_timeout_s"]:
            track.stale_count += 1
            track.stale_longest = max(track.stale_longest, lasted)
            if len(track.stale) < EVIDENCE:
                track.stale.append(conn)

    def _findings(self, track: Host) -> Iterator[dict[str, Any]]:
        last = len(track.times) - 1
        yield from self._close_wait_leak(track, last)
        rule = self.rules["fin-wait-2-stale"]
        if track.stale_count and track.stale_count >= rule["warning_count"]:
            yield self._finding(
                track,
                "fin-wait-2-stale",
                rule["severity"],
                track.stale_count,
                rule["warning_count"],
                "orphaned FIN-WAIT-2 connections",
                [self._evidence(track, conn) for conn in track.stale],
                tcp_fin_timeout_s=rule["tcp_fin_timeout_s"],
                longest_s=track.stale_longest,
            )
        rule = self.rules["listener-flap"]
        for key, heard in sorted(track.listeners.items(), key=str):
            if heard.changes >= rule["changes"]:
                proto, address, port = key
                missing = [{"capture": n, "captured_at": track.stamps[n]} for n in heard.missing]
                yield self._finding(
                    track,
                    "listener-flap",
                    rule["severity"],
                    heard.changes,
                    rule["changes"],
                    f"{proto} {_endpoint(address, port)}",
                    missing,
                )

    def _close_wait_leak(self, track: Host, last: int) -> Iterator[dict[str, Any]]:
        rule = self.rules["close-wait-leak"]
        stuck: dict[tuple[int | None, str | None], list[tuple[float, Connection]]] = {}
        for conn in track.active.values():
            if conn.states[-1] != "CLOSE-WAIT" or conn.last != last:
                continue
            lasted = track.span(conn.entered[-1], last)
            if lasted is not None and lasted >= rule["min_span_s"]:
                stuck.setdefault((conn.key[2], conn.program), []).append((lasted, conn))
        for (port, program), found in sorted(stuck.items(), key=str):
            if len(found) < rule["warning_count"]:
                continue
            series = [
                (track.times[n], counts[port, program]) for n, counts in enumerate(track.close_wait)
            ]
            severity = "critical" if len(found) >= rule["critical_count"] else rule["severity"]
            finding = self._finding(
                track,
                "close-wait-leak",
                severity,
                len(found),
                rule["warning_count"],
                f"local port {port} ({program or 'owner not shown'})",
                [self._evidence(track, conn) for _, conn in found[:EVIDENCE]],
                min_span_s=rule["min_span_s"],
                oldest_s=max(lasted for lasted, _ in found),
            )
            finding["slope_per_min"] = _slope(series)
            yield finding

    def _finding(
        self,
        track: Host,
        rule: str,
        severity: str,
        value: float,
        threshold: float,
        subject: str,
        evidence: list[dict[str, Any]],
        **detail: Any,
    ) -> dict[str, Any]:
        last = len(track.times) - 1
        return {
            "type": "finding",
            "host": track.name,
            "capture": last,
            "captured_at": track.stamps[last],
            "source": track.source,
            "rule": rule,
            "severity": severity,
            "value": value,
            "threshold": threshold,
            "subject": subject,
            "evidence": evidence,
            "detail": detail,
            "explain": self.rules[rule]["explain"][self.lang],
        }

    @staticmethod
    def _evidence(track: Host, conn: Connection) -> dict[str, Any]:
        return {
            "local": _endpoint(conn.key[1], conn.key[2]),
            "remote": _endpoint(conn.key[3], conn.key[4]),
            "states": conn.states,
            "first_seen": track.stamps[conn.first],
            "last_seen": track.stamps[conn.last],
        }


def _endpoint(address: str | None, port: int | None) -> str:
    shown = f"[{address}]" if address and ":" in address else address or "*"
    return f"{shown}:{'*' if port is None else port}"


def _slope(series: list[tuple[float | None, int]]) -> float | None:
    """Least-squares growth of a count per minute over timed captures (None under two)."""
    points = [(t / 60, c) for t, c in series if t is not None]
    if len(points) < 2:
        return None
    mean_t = sum(t for t, _ in points) / len(points)
    mean_c = sum(c for _, c in points) / len(points)
    spread = sum((t - mean_t) ** 2 for t, _ in points)
    if spread == 0:
        return None
    return round(sum((t - mean_t) * (c - mean_c) for t, c in points) / spread, 3)
