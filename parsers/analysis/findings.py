"""``findings``: the built-in rules (``data/rules.toml``) run over records, streaming.

Each capture's tallies are all that is held while it is read; its findings come out when it
ends.  Across captures only what ``close-wait-leak`` needs is kept: per host, the CLOSE-WAIT
4-tuples of its last capture with the time each was first seen.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..model.record import Record
from .config import Config
from .knowledge import ephemeral_range, rules
from .select import capture_key
from .snapshot import WILDCARD, host_of, is_listener, scope, seconds

EVIDENCE = 5
"""The most records a finding cites."""
ORPHAN_STATES = frozenset({"FIN-WAIT-1", "FIN-WAIT-2", "CLOSING", "LAST-ACK"})
SEVERITIES = ("info", "warning", "critical")

Evidence = tuple[int | None, str | None, int | None, str | None, int | None]
"""A cited record: its line, local address and port, remote address and port."""
Tuple4 = tuple[str | None, int | None, str | None, int | None]
Level = tuple[str, int | float | None, int | float | None, int | float | None]
"""A finding's severity, the threshold it reached, the warning and the critical thresholds."""


class Tally:
    """Counts per key, with the first ``EVIDENCE`` records of each key: one list per key,
    ``[count, cited...]``, so a record costs one dict lookup.  ``counts`` is
    read once the capture is complete."""

    def __init__(self) -> None:
        self.entries: dict[Any, list[Any]] = {}

    def add(self, key: Any, record: Record) -> None:
        entry = self.entries.get(key)
        if entry is None:
            self.entries[key] = [1, _cite(record)]
        else:
            entry[0] += 1
            if entry[0] <= EVIDENCE:
                entry.append(_cite(record))

    @cached_property
    def counts(self) -> Counter[Any]:
        return Counter({key: entry[0] for key, entry in self.entries.items()})

    def cited(self, key: Any) -> list[Evidence]:
        """The records cited for ``key``."""
        return self.entries[key][1:]


def _cite(record: Record) -> Evidence:
    return (
        record.source.get("line"),
        record.local_address,
        record.local_port,
        record.remote_address,
        record.remote_port,
    )


@dataclass
class Capture:
    """What the rules need from one capture."""

    first: Record
    listeners: list[Record] = field(default_factory=list)
    """TCP sockets in LISTEN (their queues are judged)."""
    bound: list[Record] = field(default_factory=list)
    """Unconnected UDP sockets: listeners too, for ``wildcard-listener``."""
    close_wait: Tally = field(default_factory=Tally)
    close_wait_tuples: dict[Tuple4, tuple[int | None, str | None, int]] = field(
        default_factory=dict
    )
    syn_received: Tally = field(default_factory=Tally)
    syn_received_peers: dict[int | None, Counter[str | None]] = field(default_factory=dict)
    syn_sent: Tally = field(default_factory=Tally)
    fin_wait: Tally = field(default_factory=Tally)
    fin_wait_peers: dict[str, Counter[str | None]] = field(default_factory=dict)
    time_wait: Tally = field(default_factory=Tally)
    orphans: Tally = field(default_factory=Tally)
    owners_shown: bool = False

    def add(self, record: Record) -> None:
        state = record.state
        if state is None or record.kind != "socket":
            if record.kind == "socket" and is_listener(record):
                self.bound.append(record)
            return
        owned = record.pid is not None or record.program is not None
        if owned:
            self.owners_shown = True
        if state == "ESTABLISHED":
            return
        if state == "LISTEN":
            self.listeners.append(record)
        elif state == "TIME-WAIT":
            self.time_wait.add((record.remote_address, record.remote_port), record)
        elif state == "CLOSE-WAIT":
            self.close_wait.add((record.local_port, record.program), record)
            four = (
                record.local_address,
                record.local_port,
                record.remote_address,
                record.remote_port,
            )
            self.close_wait_tuples[four] = (
                record.pid,
                record.program,
                record.source.get("line") or 0,
            )
        elif state == "SYN-RECEIVED":
            self.syn_received.add(record.local_port, record)
            peers = self.syn_received_peers.setdefault(record.local_port, Counter())
            peers[record.remote_address] += 1
        elif state == "SYN-SENT":
            self.syn_sent.add(record.remote_address, record)
        if state in ORPHAN_STATES:
            if state in ("FIN-WAIT-1", "FIN-WAIT-2"):
                self.fin_wait.add(state, record)
                peers = self.fin_wait_peers.setdefault(state, Counter())
                peers[record.remote_address] += 1
            if not owned:
                self.orphans.add(state, record)


def findings(
    records: Iterable[Record],
    config: Config | Mapping[str, Any] | None = None,
    lang: str = "en",
) -> Iterator[dict[str, Any]]:
    """Findings of the built-in rules over ``records`` (in input order: a capture's findings
    when it ends, ``close-wait-leak``'s at the end), each a dict with ``host``, ``capture``,
    ``captured_at``, ``source``, ``rule``, ``severity``, ``value``, ``threshold``,
    ``subject``, ``evidence``, ``detail`` and ``explain`` (in ``lang``).  ``config`` is a
    ``Config`` or the tables a config file holds (``{"close-wait-pile": {"warning": 50}}``)."""
    config = config if isinstance(config, Config) else Config(config)
    leaks = LeakTracker()
    current: Capture | None = None
    key: tuple[Any, ...] | None = None
    for record in records:
        record_key = capture_key(record)
        if current is None or record_key != key:
            if current is not None:
                yield from _finish(current, config, leaks, lang)
            current, key = Capture(record), record_key
        current.add(record)
    if current is not None:
        yield from _finish(current, config, leaks, lang)
    yield from leaks.findings(config, lang)


def _finish(
    capture: Capture, config: Config, leaks: LeakTracker, lang: str
) -> Iterator[dict[str, Any]]:
    host = capture.first.host
    for rule, check in CHECKS:
        settings = config.settings(rule, host)
        if settings["enabled"]:
            for found in check(capture, settings):
                yield _finding(capture.first, rule, lang, *found)
    leaks.add(capture)


Found = tuple[Level, int | float, str, list[Evidence], dict[str, Any]]
"""level, value, subject, evidence, detail"""


def _finding(first: Record, rule: str, lang: str, *found: Any) -> dict[str, Any]:
    (severity, threshold, warning, critical), value, subject, evidence, detail = found
    path, member = first.source.get("path"), first.source.get("member")
    return {
        "host": first.host,
        "capture": first.capture,
        "captured_at": first.captured_at,
        "source": {"path": path, "member": member},
        "rule": rule,
        "severity": severity,
        "value": value,
        "threshold": threshold,
        "thresholds": {"warning": warning, "critical": critical},
        "subject": subject,
        "evidence": [
            {
                "source": {"path": path, "member": member, "line": line},
                "local": _endpoint(la, lp),
                "remote": _endpoint(ra, rp),
            }
            for line, la, lp, ra, rp in evidence[:EVIDENCE]
        ],
        "detail": detail,
        "explain": rules()[rule][f"explain_{lang}"],
    }


def _endpoint(address: str | None, port: int | None) -> str:
    host = f"[{address}]" if address and ":" in address else (address or "*")
    return f"{host}:{'*' if port is None else port}"


def _owner(program: str | None) -> str:
    return program or "no owner shown"


def _level(
    value: float, warning: float, critical: float, scale: float | None = None
) -> Level | None:
    """The severity ``value`` reaches against ``warning`` and ``critical`` (times ``scale``,
    rounded up to counts when scaled)."""
    warn, crit = _number(warning), _number(critical)
    if scale is not None:
        warn, crit = math.ceil(warning * scale), math.ceil(critical * scale)
    if value >= crit:
        return "critical", crit, warn, crit
    if value >= warn:
        return "warning", warn, warn, crit
    return None


def _one_or_many(peers: Counter[str | None]) -> dict[str, Any]:
    ((peer, n),) = peers.most_common(1)
    return {"peers": len(peers), "top_peer": peer, "top_peer_count": n, "one_peer": len(peers) == 1}


def close_wait_pile(capture: Capture, settings: dict[str, Any]) -> Iterator[Found]:
    tally = capture.close_wait
    total = tally.counts.total()
    level = _level(total, settings["warning"], settings["critical"])
    if level is None:
        return
    (port, program), n = tally.counts.most_common(1)[0]
    subject = f"local port {port} ({_owner(program)}): {n} of {total}"
    detail = {
        "by_port_and_program": [
            {"local_port": p, "program": prog, "count": c}
            for (p, prog), c in tally.counts.most_common(5)
        ]
    }
    yield level, total, subject, tally.cited((port, program)), detail


def syn_received_pile(capture: Capture, settings: dict[str, Any]) -> Iterator[Found]:
    backlogs = {
        r.local_port: r.send_q for r in capture.listeners if r.dialect == "linux-ss" and r.send_q
    }
    for port, n in capture.syn_received.counts.items():
        backlog = backlogs.get(port)
        warning, critical = settings["warning"], settings["critical"]
        if backlog:
            warning = min(warning, math.ceil(settings["backlog_warning"] * backlog))
            critical = min(critical, math.ceil(settings["backlog_critical"] * backlog))
        level = _level(n, warning, critical)
        if level is None:
            continue
        detail = {"backlog": backlog, **_one_or_many(capture.syn_received_peers[port])}
        many = "one peer" if detail["one_peer"] else f"{detail['peers']} peers"
        subject = f"listener port {port}: {n} half-open from {many}"
        yield level, n, subject, capture.syn_received.cited(port), detail


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def listen_queue_full(capture: Capture, settings: dict[str, Any]) -> Iterator[Found]:
    for r in capture.listeners:
        if r.dialect != "linux-ss" or not r.recv_q or r.send_q is None:
            continue
        level = _level(r.recv_q, settings["warning"], settings["critical"], r.send_q)
        if level is None:
            continue
        subject = f"listener {_endpoint(r.local_address, r.local_port)} ({_owner(r.program)})"
        detail = {"accept_queue": r.recv_q, "backlog": r.send_q}
        yield level, r.recv_q, subject, [_cite(r)], detail


def time_wait_pressure(capture: Capture, settings: dict[str, Any]) -> Iterator[Found]:
    ports = _range_size(capture.first.dialect, settings["range"])
    if not ports or not capture.time_wait.counts:
        return
    for (address, port), n in capture.time_wait.counts.most_common():
        level = _level(n, settings["warning"], settings["critical"], ports)
        if level is None:
            break
        subject = f"destination {_endpoint(address, port)}: {n} of {ports} ephemeral ports"
        detail = {"ephemeral_ports": ports, "share": round(n / ports, 4)}
        yield level, n, subject, capture.time_wait.cited((address, port)), detail


def _range_size(dialect: str, configured: str) -> int | None:
    """The number of ephemeral ports: of the configured ``first-last``, else the OS default."""
    if configured:
        first, _, last = configured.replace(" ", "-").partition("-")
        return int(last) - int(first) + 1
    known = ephemeral_range(dialect)
    return None if known is None else known[2] - known[1] + 1


def syn_sent_pile(capture: Capture, settings: dict[str, Any]) -> Iterator[Found]:
    for peer, n in capture.syn_sent.counts.most_common():
        level = _level(n, settings["warning"], settings["critical"])
        if level is None:
            break
        yield level, n, f"peer {peer}", capture.syn_sent.cited(peer), {}


def fin_wait_pile(capture: Capture, settings: dict[str, Any]) -> Iterator[Found]:
    for state, n in capture.fin_wait.counts.items():
        level = _level(n, settings["warning"], settings["critical"])
        if level is None:
            continue
        detail = {"state": state, **_one_or_many(capture.fin_wait_peers[state])}
        many = f"peer {detail['top_peer']}" if detail["one_peer"] else f"{detail['peers']} peers"
        yield level, n, f"{state} towards {many}", capture.fin_wait.cited(state), detail


def orphans(capture: Capture, settings: dict[str, Any]) -> Iterator[Found]:
    total = capture.orphans.counts.total()
    if not capture.owners_shown or not total:
        return
    level = _level(total, settings["warning"], settings["critical"])
    if level is None:
        return
    evidence = [e for state in capture.orphans.entries for e in capture.orphans.cited(state)]
    detail = {"states": dict(capture.orphans.counts.most_common())}
    yield level, total, "sockets no process owns", evidence, detail


def wildcard_listener(capture: Capture, settings: dict[str, Any]) -> Iterator[Found]:
    allow = {str(item) for item in settings["allow"]}
    for r in (*capture.listeners, *capture.bound):
        if r.local_address not in WILDCARD:
            continue
        names = {str(r.local_port), r.program or "", _endpoint(r.local_address, r.local_port)}
        if names & allow:
            continue
        subject = f"{r.proto} {_endpoint(r.local_address, r.local_port)} ({_owner(r.program)})"
        level = (settings["severity"], None, None, None)
        yield level, 1, subject, [_cite(r)], {"scope": scope(r.local_address)}


CHECKS = (
    ("close-wait-pile", close_wait_pile),
    ("syn-received-pile", syn_received_pile),
    ("listen-queue-full", listen_queue_full),
    ("time-wait-pressure", time_wait_pressure),
    ("syn-sent-pile", syn_sent_pile),
    ("fin-wait-pile", fin_wait_pile),
    ("orphans", orphans),
    ("wildcard-listener", wildcard_listener),
)
"""The rules judged per capture, in the order their findings come out."""


@dataclass
class HostLeaks:
    """A host's CLOSE-WAIT 4-tuples in its last capture, each with when it was first seen."""

    last: Capture
    seen: dict[Tuple4, float]
    owners: dict[Tuple4, tuple[int | None, str | None, int]]


class LeakTracker:
    """``close-wait-leak``: the same CLOSE-WAIT 4-tuples in a host's captures spanning at
    least ``span`` seconds (capture times from markers or ``--meta``; without a time a capture
    restarts the count)."""

    def __init__(self) -> None:
        self.hosts: dict[str, HostLeaks] = {}

    def add(self, capture: Capture) -> None:
        first = capture.first
        host = host_of(first)
        now = seconds(first.captured_at)
        before = self.hosts.get(host)
        seen: dict[Tuple4, float] = {}
        if now is not None:
            earlier = before.seen if before is not None else {}
            seen = {four: earlier.get(four, now) for four in capture.close_wait_tuples}
        self.hosts[host] = HostLeaks(capture, seen, capture.close_wait_tuples)
        # only the last capture's tuples are kept: a connection gone in between is no leak

    def findings(self, config: Config, lang: str) -> Iterator[dict[str, Any]]:
        for leaks in self.hosts.values():
            first = leaks.last.first
            settings = config.settings("close-wait-leak", first.host)
            now = seconds(first.captured_at)
            if not settings["enabled"] or now is None:
                continue
            groups: dict[tuple[str | None, int | None], list[Tuple4]] = {}
            for four, since in leaks.seen.items():
                if now - since >= settings["span"]:
                    _, program, _ = leaks.owners[four]
                    groups.setdefault((program, four[1]), []).append(four)
            for (program, port), fours in sorted(groups.items(), key=lambda g: -len(g[1])):
                level = _level(len(fours), settings["warning"], settings["critical"])
                if level is None:
                    continue
                oldest = min(leaks.seen[f] for f in fours)
                evidence = [(leaks.owners[f][2], *f) for f in fours[:EVIDENCE]]
                subject = f"local port {port} ({_owner(program)}): {len(fours)} connections"
                detail = {"seconds": round(now - oldest, 3), "span": settings["span"]}
                found = (level, len(fours), subject, evidence, detail)
                yield _finding(first, "close-wait-leak", lang, *found)
