"""One capture as a snapshot: its listeners, its connections and its state counts, keyed by the
identities ``diff``, ``timeline`` and ``report`` share.

A listener is (proto, local address, local port): a TCP socket in LISTEN, or an unconnected UDP
socket.  A connection is (proto, local address, local port, remote address, remote port): a TCP
or UDP socket with a remote port, not listening.  Neither key holds the owner, so a restarted
process is the same listener with another owner.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from ipaddress import ip_address

from ..model.record import Record

ListenerKey = tuple[str | None, str | None, int | None]
ConnectionKey = tuple[str | None, str | None, int | None, str | None, int | None]
Owner = tuple[tuple[str | None, int | None], ...]
"""The (program, pid) pairs owning a socket, sorted; empty where the capture shows no owners."""

INTERNET = frozenset({"tcp", "udp"})
WILDCARD = frozenset({"0.0.0.0", "::", "*", ""})


def is_listener(record: Record) -> bool:
    return record.kind == "socket" and (
        record.state == "LISTEN"
        or (record.proto == "udp" and record.remote_port is None and record.state_raw != "ESTAB")
    )


def is_connection(record: Record) -> bool:
    return (
        record.kind == "socket"
        and record.proto in INTERNET
        and record.remote_port is not None
        and record.state != "LISTEN"
    )


def listener_key(record: Record) -> ListenerKey:
    return (record.proto, record.local_address, record.local_port)


def connection_key(record: Record) -> ConnectionKey:
    return (
        record.proto,
        record.local_address,
        record.local_port,
        record.remote_address,
        record.remote_port,
    )


def owner(record: Record) -> Owner:
    """Every process ss lists for the socket (``extra['users']``), else the record's one."""
    users = record.extra.get("users") if record.extra else None
    if users:
        return tuple(sorted({(u.get("program"), u.get("pid")) for u in users}, key=str))
    if record.pid is None and record.program is None:
        return ()
    return ((record.program, record.pid),)


def scope(address: str | None) -> str:
    """``wildcard`` (every interface), ``loopback`` or ``address`` (one interface's address)."""
    if address is None or address in WILDCARD:
        return "wildcard"
    try:
        parsed = ip_address(address)
    except ValueError:
        return "address"
    mapped = getattr(parsed, "ipv4_mapped", None)
    return "loopback" if (mapped or parsed).is_loopback else "address"


def host_of(record: Record) -> str:
    """The host a record belongs to: its ``host``, else the file it was read from."""
    return record.host or record.source.get("path") or "-"


def seconds(captured_at: str | None) -> float | None:
    """An ISO 8601 capture time as epoch seconds (a time without zone taken as UTC)."""
    if captured_at is None:
        return None
    when = datetime.fromisoformat(captured_at)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp()


def count_states(records: Iterable[Record]) -> dict[str, int]:
    """Canonical TCP state -> how many records are in it (LISTEN included), as ``summary``'s
    ``states`` counts them; the one place the analysis layer counts states."""
    return dict(Counter(r.state for r in records if r.state is not None))


@dataclass
class Snapshot:
    """One capture: where it comes from and the sockets it shows, by identity."""

    host: str
    path: str | None
    capture: int
    captured_at: str | None
    records: list[Record] = field(default_factory=list)
    listeners: dict[ListenerKey, list[Record]] = field(default_factory=dict)
    connections: dict[ConnectionKey, Record] = field(default_factory=dict)

    @property
    def states(self) -> dict[str, int]:
        return count_states(self.records)

    @property
    def label(self) -> str:
        return f"{self.path or '<stdin>'}@{self.capture}"

    def add(self, record: Record) -> None:
        self.records.append(record)
        if is_listener(record):
            self.listeners.setdefault(listener_key(record), []).append(record)
        elif is_connection(record):
            self.connections[connection_key(record)] = record


def snapshots(records: Iterable[Record]) -> Iterator[Snapshot]:
    """The captures in a stream of records, one snapshot each, in input order (a capture is the
    records of one file, archive member and capture number)."""
    current: Snapshot | None = None
    where: tuple[str | None, str | None, int] | None = None
    for record in records:
        here = (record.source.get("path"), record.source.get("member"), record.capture)
        if here != where:
            if current is not None:
                yield current
            where = here
            current = Snapshot(host_of(record), here[0], record.capture, record.captured_at)
        assert current is not None
        current.add(record)
    if current is not None:
        yield current
