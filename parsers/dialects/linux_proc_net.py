"""Linux ``/proc/net/{tcp,tcp6,udp,udp6,udplite,udplite6,raw,raw6,unix}``, as ``cat`` prints them.

Grammar: ``grammars/linux_proc_net.lark``.  The kernel prints addresses as hex 32-bit words in the
host's byte order, read here as little-endian (x86, ARM, RISC-V; a big-endian host's tables would
read reversed).  The rows do not say their protocol: TCP rows end with other kernel fields than
UDP and raw rows, which are alike; the protocol comes from the command (``cat /proc/net/udp``),
else from that shape (TCP), else stays null.  States are kept as printed (``0A``); the state table
maps TCP's.  The timer fields are read as ``netstat -o`` reads them (ticks of 1/100 s).
"""

from __future__ import annotations

import re
from functools import lru_cache
from ipaddress import IPv6Address
from socket import AF_INET, inet_ntop
from typing import Any

from ..model.addresses import Endpoint
from ..model.record import Record
from .base import Dialect, RowError

INODE_TWICE = (
    "path {0!r} is the socket's inode printed again, or a relative path so named (af_unix.c"
    " prints a bound path as given, a number too): not told apart"
)
"""Why a UNIX socket row whose path is its own inode is not read (/proc/net/unix, netstat -x);
a path that is another number is a relative path, and read."""

_FILES = re.compile(r"/net/(tcp|udplite|udp|raw|unix)")
"""The /proc/net files a command reads."""
_TIMERS = ("off", "on", "keepalive", "timewait", "probe")
"""``tr`` codes as netstat -o names them (net-tools netstat.c)."""
_USER_HZ = 100
_CONGESTION = ("rto", "ato", "quick_pingpong", "cwnd", "ssthresh")
"""A TCP socket's fields after its pointer (tcp_ipv4.c get_tcp4_sock)."""
_MINI_SOCKET_STATES = frozenset(("03", "05", "06"))
"""States of the TCP rows with two kernel fields: SYN-RECV request sockets, and TIME-WAIT sockets
(whose sub-state may be FIN-WAIT-2)."""
_UNIX_TYPES = {1: "STREAM", 2: "DGRAM", 3: "RAW", 4: "RDM", 5: "SEQPACKET"}
_ACCEPTING = 0x10000
"""__SO_ACCEPTCON: a listening UNIX socket (netstat's ``ACC`` flag)."""


class LinuxProcNet(Dialect):
    name = "linux-proc-net"
    grammar = "linux_proc_net"
    sections = ("inet", "unix")

    table_fields = ("datagram", "tcp_shape")

    def __init__(self, path: str | None = None, command: str | None = None, **options: Any) -> None:
        super().__init__(path, command, **options)
        read = set(_FILES.findall(command or "")) - {"tcp", "unix"}
        self.datagram = read.pop() if len(read) == 1 else None
        """The protocol of rows shaped as UDP and raw ones, when the command reads one such file."""
        self.tcp_shape: bool | None = None
        """Whether the header above is that of a TCP table; None before a header."""

    # -- lines that are no records ------------------------------------------------------------
    def inet_header(self, values: list[str]) -> None:
        self.enter("inet")
        self.tcp_shape = not values[0].rstrip().endswith("drops")

    def unix_header(self, values: list[str]) -> None:
        self.enter("unix")

    # -- records -------------------------------------------------------------------------------
    def inet_row(self, v: list[Any]) -> Record:
        slot, local, remote, state_raw, queues, timer, retransmits, uid, probes, inode = v[:10]
        ref, pointer, *congestion, drops = v[10:]
        tcp = drops is None
        if not tcp and congestion[0] is not None:
            raise RowError("both TCP's and UDP's fields after the socket's pointer")
        if self.tcp_shape is not None and tcp != self.tcp_shape:
            raise RowError(f"a {'TCP' if tcp else 'UDP or raw'} row under this header")
        if tcp and congestion[0] is None and state_raw not in _MINI_SOCKET_STATES:
            raise RowError(f"a TIME-WAIT or request socket's fields in a row of state {state_raw}")
        if len(local) != len(remote):
            raise RowError("an IPv4 and an IPv6 address in one row")
        proto = "tcp" if tcp else self.datagram
        extra: dict[str, Any] = {"sl": int(slot[:-1]), "ref": int(ref), "pointer": pointer}
        if congestion[0] is not None:
            extra.update(zip(_CONGESTION, map(int, congestion)))
        if drops is not None:
            extra["drops"] = int(drops)
        tx, _, rx = queues.partition(":")
        active, _, when = timer.partition(":")
        code = int(active, 16)
        return self.socket(
            proto,
            4 if len(local) == 13 else 6,
            _endpoint(local),
            _endpoint(remote),
            self.tcp_state(state_raw) if proto == "tcp" else None,
            state_raw,
            int(rx, 16),
            int(tx, 16),
            None,
            None,
            uid,
            int(inode),
            {
                "name": _TIMERS[code] if code < len(_TIMERS) else f"unkn-{code}",
                "expires_s": int(when, 16) / _USER_HZ,
                "retransmits": int(retransmits, 16),
                "probes": int(probes),
            },
            extra,
        )

    def unix_row(self, v: list[Any]) -> Record:
        num, refcnt, protocol, flags, kind, state_raw, inode, path = v
        if path == inode:
            raise RowError(INODE_TWICE.format(inode))
        code = int(kind, 16)
        return self.record(
            proto="unix",
            local_address=path,
            state_raw=state_raw,
            inode=int(inode),
            extra={
                "num": num[:-1],
                "refcnt": int(refcnt, 16),
                "protocol": int(protocol, 16),
                "flags": flags,
                "accepting": bool(int(flags, 16) & _ACCEPTING),
                "type": _UNIX_TYPES.get(code, kind),
            },
        )


@lru_cache(maxsize=4096)
def _endpoint(text: str) -> Endpoint:
    """``0100007F:0016`` -> 127.0.0.1 port 22: each 32-bit word little-endian; port 0 is none."""
    hexed, _, port = text.partition(":")
    raw = b"".join(bytes.fromhex(hexed[i : i + 8])[::-1] for i in range(0, len(hexed), 8))
    number = int(port, 16)
    return Endpoint(_text(raw), number or None, None, None)


def _text(raw: bytes) -> str:
    """An address as ``ss`` prints it (``::ffff:127.0.0.1`` for an IPv4-mapped one, on every
    Python)."""
    if len(raw) == 4:
        return inet_ntop(AF_INET, raw)
    address = IPv6Address(raw)
    mapped = address.ipv4_mapped
    return str(address) if mapped is None else f"::ffff:{mapped}"
