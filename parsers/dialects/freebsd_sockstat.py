"""FreeBSD ``sockstat``: the sockets each process holds, Internet and UNIX.

Grammar: ``grammars/freebsd_sockstat.lark``.  One row per descriptor (a socket shared by several
processes is a row each, as sockstat prints it); sockets no process holds (TIME-WAIT...) have "?"
as user, command, pid and descriptor.  The columns after the addresses (-s states, -i ID, -f FIB,
-S stack, -C congestion control) are named by the header: each protocol prints only some of them
(TCP no path state, UDP no state at all), so a row's words are matched to the columns its
protocol prints, in order; with no header (-q), only a TCP state word is read (as -s prints it).
"""

from __future__ import annotations

from typing import Any

from ..model.addresses import split_colon
from ..model.record import Record
from .base import CONTINUES, Dialect, RowError

_EXTRA_COLUMNS = ("FIB", "ID", "PATH STATE", "CONN STATE", "STACK", "CC")
_PRINTED_BY = {
    "FIB": frozenset(("tcp", "udp", "udplite", "sctp", "divert", "raw")),
    "ID": frozenset(("tcp", "udp")),
    "PATH STATE": frozenset(("sctp",)),
    "CONN STATE": frozenset(("tcp", "sctp")),
    "STACK": frozenset(("tcp",)),
    "CC": frozenset(("tcp",)),
}
"""Which protocols print a value in each column after the addresses (sockstat.c displaysock)."""
_KEYS = {"FIB": "fib", "ID": "id", "PATH STATE": "path_state", "STACK": "stack", "CC": "cc"}


class FreebsdSockstat(Dialect):
    name = "freebsd-sockstat"
    grammar = "freebsd_sockstat"
    sections = ("sockets",)
    weak_kinds = frozenset(("more_addresses",))
    continuations = frozenset(("more_addresses",))
    table_fields = ("columns",)

    def __init__(self, path: str | None = None, command: str | None = None, **options: Any) -> None:
        super().__init__(path, command, **options)
        self.columns: tuple[str, ...] | None = None
        """The header's columns after FOREIGN ADDRESS; None before a header (-q)."""

    def header(self, values: list[str]) -> None:
        tail = values[0].partition("FOREIGN ADDRESS")[2]
        self.columns = tuple(c for c in _EXTRA_COLUMNS if c in tail)
        self._last = None

    def inet_row(self, v: list[Any]) -> Record:
        user, command, pid, fd, printed, local, remote, tail = v
        proto = printed.rstrip("46")
        version = printed[len(proto) :]
        lookup = "ip" if proto in ("divert", "raw") else proto
        here, there = split_colon(local, lookup), split_colon(remote, lookup)
        extra: dict[str, Any] = {"fd": _number(fd, "descriptor")}
        state_raw = None
        for column, value in self._tail(proto, tail):
            if column == "CONN STATE":
                state_raw = value
            else:
                extra[_KEYS[column]] = value
        return self.socket(
            proto,
            None if version == "46" else int(version),
            here,
            there,
            self.tcp_state(state_raw) if proto == "tcp" else None,
            state_raw,
            None,
            None,
            _number(pid, "pid"),
            None if command == "?" else command,
            None if user == "?" else user,
            None,
            None,
            extra,
        )

    def unix_row(self, v: list[Any]) -> Record:
        user, command, pid, fd, kind, address = v
        if address is None:
            raise RowError("a UNIX socket with no address")
        bound, arrow, peer = address.partition("-> ")
        path = bound.split(" <- ")[0].rstrip() if address[0] == "/" else None
        peer = peer.split(" <- ")[0]
        return self.record(
            proto="unix",
            local_address=path,
            remote_address=peer if arrow and peer.startswith("/") else None,
            pid=_number(pid, "pid"),
            program=None if command == "?" else command,
            user=None if user == "?" else user,
            extra={"fd": _number(fd, "descriptor"), "type": kind, "address": address},
        )

    def more_addresses(self, v: list[Any]) -> object:
        """An SCTP association's further local and foreign addresses, and path state."""
        last = self._last
        if last is None or last.proto != "sctp":
            raise RowError("addresses with no SCTP socket above them")
        local, remote, tail = v
        more = {"local": local, "remote": remote}
        if tail is not None:
            if tail.count(" ") or self.columns is None or "PATH STATE" not in self.columns:
                raise RowError(f"{tail!r} after further addresses")
            more["path_state"] = tail
        last.extra.setdefault("more_addresses", []).append(more)
        return CONTINUES

    def _tail(self, proto: str, tail: str | None) -> list[tuple[str, str]]:
        """The row's words after the addresses, with the columns they are in."""
        words = [] if tail is None else tail.split()
        if self.columns is None:  # -q: only a TCP state word says which column it is in
            if words and (proto != "tcp" or len(words) > 1 or words[0] not in self.tcp_states):
                raise RowError("values after the addresses with no header naming them")
            return [("CONN STATE", w) for w in words]
        printed = [c for c in self.columns if proto in _PRINTED_BY[c]]
        if len(words) != len(printed):
            if not (len(words) == len(printed) - 1 and "PATH STATE" in printed):
                raise RowError(f"{len(words)} values where a {proto} row has {len(printed)}")
            printed.remove("PATH STATE")  # an SCTP socket that is not connected
        return list(zip(printed, words))


def _number(text: str, what: str) -> int | None:
    """A pid or descriptor; None for "?"."""
    if text == "?":
        return None
    if not (text.isascii() and text.isdigit()):
        raise RowError(f"{what} {text!r} is no number")
    return int(text)
