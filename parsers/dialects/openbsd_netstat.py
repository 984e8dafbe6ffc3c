"""OpenBSD ``netstat``: Internet sockets, in blocks each under its own title and header.

Grammar: ``grammars/openbsd_netstat.lark`` (addresses and state words from ``bsd_netstat.lark``).
OpenBSD prints the title and header again whenever the address family or socket type changes,
so they recur within one capture (``repeats``). The header's last column tells what a row's
last value is: ``TCP-State`` a TCP state word (a number for a state out of range, kept in
``state_raw`` with state None), ``IP-Proto`` the IP protocol of a raw socket
(``extra.ip_proto``), nothing for UDP; older releases name it ``(state)`` in every block, over
TCP states and raw sockets' protocol numbers alike. ``-A`` adds a ``PCB`` pointer
(``extra.pcb``), ``-B`` the TCP windows (``extra.recv_w``, ``send_w``, ``cgst_w``).
``-T rdomain`` changes which sockets are shown, not how. Protocol names carry no version but
``6``: ``tcp`` is IPv4. The UNIX-domain table (``Active UNIX domain sockets``) is FreeBSD's,
its kernel pointers printed with ``0x`` (``0x0`` for none: None in ``extra``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..model.protocols import protocol_words
from ..model.record import Record
from .base import Dialect, RowError, Values
from .freebsd_netstat import dotted, unix_record

_PROTO = {word: found.protocol for word, found in protocol_words("openbsd-netstat").items()}
"""A printed protocol less its 6 -> the protocol (``protocols.tsv``)."""
_LAST = {"TCP-State": "state", "IP-Proto": "ip_proto", "State": "state", "(state)": "state"}
"""A header's last column -> what it holds (OpenBSD's, and NetBSD's ``State``/``(state)``)."""
_OLD_LAST = {**_LAST, "(state)": "either"}
"""Older OpenBSD: ``(state)`` over TCP states and raw sockets' IP protocol numbers."""


class OpenbsdNetstat(Dialect):
    name = "openbsd-netstat"
    grammar = "openbsd_netstat"
    kin = "bsd_netstat"
    sections: ClassVar[tuple[str, ...]] = ("inet", "unix")
    priority = 11
    """Above FreeBSD and macOS, whose grammars also read OpenBSD's rows without their header."""
    repeats = True
    table_fields: ClassVar[tuple[str, ...]] = ("_pcb", "_windows", "_final")
    _pcb = False
    _windows = False
    _final: str | None = None
    """What the header's last column holds: ``state``, ``ip_proto`` or None (UDP); before any
    header, each row's own last value tells."""
    _headed = False
    LAST: ClassVar[dict[str, str]] = _OLD_LAST
    """What a header's last column holds, by its name."""

    def inet_header(self, v: Values) -> None:
        words = v[0].split()
        self._pcb = words[0] == "PCB"  # NetBSD and OpenBSD -A
        self._windows = "Recv-W" in words
        self._final = self.LAST.get(words[-1])
        self._headed = True
        self.enter("inet")

    def inet_row(self, v: Values) -> Record:
        pcb, printed, recv_q, send_q, w1, w2, w3, local, remote, last = v
        if (pcb is not None) != self._pcb and self._headed:
            raise RowError("a PCB pointer where the header has none, or none where it has")
        base = printed.rstrip("6")
        proto = _PROTO.get(base, base)
        version = 6 if printed.endswith("6") else 4
        extra: dict[str, Any] = {}
        if pcb is not None:
            extra["pcb"] = None if pcb in ("0", "0x0") else pcb
        if w1 is not None:
            if self._headed and not self._windows:
                raise RowError("TCP windows where the header has none")
            extra.update(recv_w=int(w1), send_w=int(w2), cgst_w=int(w3))
        state = state_raw = None
        final = self._final if self._headed else _guess(proto, last)
        if last is not None:
            if final in ("state", "either") and proto == "tcp":
                state_raw = last
                state = None if last.isdigit() else self.tcp_state(last)
            elif last.isdigit() and (final == "ip_proto" or (final == "either" and proto == "raw")):
                extra["ip_proto"] = int(last)
            else:
                raise RowError(f"{last!r} where the header has no such column")
        lookup = proto if proto in ("tcp", "udp") else ""
        here, there = dotted(local, lookup), dotted(remote, lookup)
        return self.socket(
            proto, version, here, there, state, state_raw, int(recv_q), int(send_q), extra=extra
        )

    def unix_row(self, v: Values) -> Record:
        return unix_record(self, v, "0x0")


def _guess(proto: str, last: str | None) -> str | None:
    """The header column a row's last value would be under, for a row with no header above."""
    if last is None:
        return None
    return "state" if proto == "tcp" else "ip_proto" if proto == "raw" else None


class NetbsdNetstat(OpenbsdNetstat):
    """NetBSD ``netstat`` (and QNX's): IPv4 sockets under a header ending ``State``, IPv6 ones
    under "Active Internet6 connections" and a header ending ``(state)``; rows as OpenBSD's.
    Grammar: ``grammars/netbsd_netstat.lark``. Its IPv6 header is macOS's; the title and the
    protocol names (``tcp``, never macOS's ``tcp4``) tell them apart."""

    name = "netbsd-netstat"
    grammar = "netbsd_netstat"
    sections: ClassVar[tuple[str, ...]] = ("inet",)
    priority = 11
    repeats = False
    LAST = _LAST
