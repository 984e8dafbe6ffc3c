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
from functools import cache, lru_cache
from struct import pack, unpack
from typing import Any, cast

from ..grammar.linegrammar import kept_regex
from ..model.addresses import inet_ntoa, packed_scope, scope_of
from ..model.record import Record, record_maker
from .base import Dialect, FastRow, RowError

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
USER_HZ = 100
"""Ticks per second of the timers' expiry."""
_IDLE = "00000000:00000000"
"""Empty send and receive queues, as most rows print them."""
MINI_SOCKET_STATES = frozenset(("03", "05", "06"))
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
        (slot, local, remote, state_raw, queues, timer, retransmits, uid, probes, inode,
         ref, pointer, rto, ato, pingpong, cwnd, ssthresh, drops) = v  # fmt: skip
        tcp = drops is None
        if not tcp and rto is not None:
            raise RowError("both TCP's and UDP's fields after the socket's pointer")
        if self.tcp_shape is not None and tcp != self.tcp_shape:
            raise RowError(f"a {'TCP' if tcp else 'UDP or raw'} row under this header")
        if tcp and rto is None and state_raw not in MINI_SOCKET_STATES:
            raise RowError(f"a TIME-WAIT or request socket's fields in a row of state {state_raw}")
        if len(local) != len(remote):
            raise RowError("an IPv4 and an IPv6 address in one row")
        if tcp:
            proto: str | None = "tcp"
            state = self.tcp_states.get(state_raw) or self.tcp_state(state_raw)
        else:
            proto, state = self.datagram, None
        return Record(  # as ``socket`` builds it, less a call and two endpoint tuples
            *self._labels,
            "socket",
            proto,
            4 if len(local) == 13 else 6,
            hex_address(local),
            int(local[-4:], 16) or None,
            None,
            None,
            hex_address(remote),
            int(remote[-4:], 16) or None,
            None,
            None,
            state,
            state_raw,
            0 if queues == _IDLE else int(queues[9:], 16),
            0 if queues == _IDLE else int(queues[:8], 16),
            None,
            None,
            uid,
            int(inode),
            timer_fields(timer, retransmits, probes),
            kernel_fields(slot, ref, pointer, rto, ato, pingpong, cwnd, ssthresh, drops),
            {"path": self.path, "member": self.member, "line": self.line},
        )

    def fast_row(self) -> FastRow | None:
        """``inet_row``'s plain case in one step: a TCP row with a socket's fields, of ASCII
        digits and hex, both addresses of one family and its state in the table (under no UDP
        header; else the general path reads the line, or says what is wrong)."""
        if self.section != "inet" or self.tcp_shape is False:
            return None
        name, capture, host, captured_at, meta = self._labels
        states, path, member, make = self.tcp_states, self.path, self.member, _MAKE

        def build(found: re.Match[str], line: int) -> Record | None:
            (slot, local, remote, state_raw, queues, timer, retransmits, uid, probes, inode,
             ref, pointer, rto, ato, pingpong, cwnd, ssthresh) = found.groups()  # fmt: skip
            state = states.get(state_raw)
            if state is None or len(local) != len(remote):
                return None
            here_scope: str | None
            there_scope: str | None
            if len(local) == 13:
                version = 4
                here, there = bytes.fromhex(local[:8])[::-1], bytes.fromhex(remote[:8])[::-1]
                here_scope, there_scope = packed_scope(here), packed_scope(there)
                here_address, there_address = inet_ntoa(here), inet_ntoa(there)
            else:
                version = 6
                here_address, there_address = _address6(local[:32]), _address6(remote[:32])
                here_scope, there_scope = scope_of(here_address), scope_of(there_address)
            return make(
                name,
                capture,
                host,
                captured_at,
                meta,
                "socket",
                "tcp",
                version,
                here_address,
                int(local[-4:], 16) or None,
                there_address,
                int(remote[-4:], 16) or None,
                state,
                state_raw,
                int(queues[9:], 16),
                int(queues[:8], 16),
                uid,
                int(inode),
                timer_fields(timer, retransmits, probes),
                _tcp_fields(slot, ref, pointer, rto, ato, pingpong, cwnd, ssthresh),
                {"path": path, "member": member, "line": line},
                here_scope,
                there_scope,
            )

        return FastRow(_tcp_row(), build)

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


_MAKE = record_maker(
    (
        *("dialect", "capture", "host", "captured_at", "meta", "kind", "proto", "ip_version"),
        *("local_address", "local_port", "remote_address", "remote_port", "state", "state_raw"),
        *("recv_q", "send_q", "user", "inode", "timer", "extra", "source"),
        *("local_scope", "remote_scope"),
    )
)


@cache
def _tcp_row() -> Any:
    """A TCP row with a socket's fields, as most print it (``fast_row``): kept compiled."""
    endpoint = "((?:[0-9A-F]{8}|[0-9A-F]{32}):[0-9A-F]{4})"
    number = "([0-9]{1,20})"
    fields = [
        *(endpoint, endpoint, "([0-9A-F]{2})", "([0-9A-F]{8}:[0-9A-F]{8})"),
        *("([0-9A-F]{2}:[0-9A-F]{8})", "([0-9A-F]{8})", number, number, number, number),
        *("((?:[0-9a-f]{8}){1,2})", number, number, number, number, "(-?[0-9]{1,20})"),
    ]
    return kept_regex(f" *([0-9]{{1,20}}:) +{' +'.join(fields)} *").fullmatch


def kernel_fields(
    slot: str,
    ref: str,
    pointer: str,
    rto: str | None,
    ato: str | None,
    pingpong: str | None,
    cwnd: str | None,
    ssthresh: str | None,
    drops: str | None,
) -> dict[str, Any]:
    """A row's kernel fields kept in ``extra``: the slot, refcount and pointer, then a TCP
    socket's (tcp_ipv4.c get_tcp4_sock) or a datagram socket's drops."""
    if rto is not None:
        return _tcp_fields(
            slot, ref, pointer, rto, cast(str, ato), cast(str, pingpong), cast(str, cwnd),
            cast(str, ssthresh),
        )  # fmt: skip
    if drops is None:
        return {"sl": int(slot[:-1]), "ref": int(ref), "pointer": pointer}
    return {"sl": int(slot[:-1]), "ref": int(ref), "pointer": pointer, "drops": int(drops)}


def _tcp_fields(
    slot: str, ref: str, pointer: str, rto: str, ato: str, pingpong: str, cwnd: str, ssthresh: str
) -> dict[str, Any]:
    """``kernel_fields`` of a TCP socket (``fast_row`` calls it directly, skipping the casts)."""
    return {
        "sl": int(slot[:-1]),
        "ref": int(ref),
        "pointer": pointer,
        "rto": int(rto),
        "ato": int(ato),
        "quick_pingpong": int(pingpong),
        "cwnd": int(cwnd),
        "ssthresh": int(ssthresh),
    }


def timer_fields(timer: str, retransmits: str, probes: str) -> dict[str, Any]:
    """The timer fields as ``netstat -o`` reads them: ``02:000000A0`` -> keepalive, 1.6 s."""
    if timer == "00:00000000" and retransmits == "00000000" and probes == "0":
        return {"name": "off", "expires_s": 0.0, "retransmits": 0, "probes": 0}
    return {
        "name": timer_name(int(timer[:2], 16)),
        "expires_s": int(timer[3:], 16) / USER_HZ,
        "retransmits": int(retransmits, 16),
        "probes": int(probes),
    }


def timer_name(code: int) -> str:
    """A ``tr`` code as netstat -o names it."""
    return _TIMERS[code] if code < len(_TIMERS) else f"unkn-{code}"


def hex_address(endpoint: str) -> str:
    """The address of a printed endpoint (``0100007F:0016``): IPv4 (one word) or IPv6."""
    return _address4(endpoint[:8]) if len(endpoint) == 13 else _address6(endpoint[:32])


def _address4(hexed: str) -> str:
    """``0100007F`` -> ``127.0.0.1``: one 32-bit word, little-endian.  Not cached: rows'
    addresses vary, and decoding costs less than a cache's miss."""
    return "0.0.0.0" if hexed == "00000000" else inet_ntoa(bytes.fromhex(hexed)[::-1])


@lru_cache(maxsize=4096)
def _address6(hexed: str) -> str:
    """``0000000000000000FFFF00000100007F`` -> ``::ffff:127.0.0.1``: four 32-bit words, each
    little-endian, printed as ``ss`` prints them (an IPv4-mapped address with its IPv4 part
    dotted, on every Python).  Cached: a host's IPv6 addresses recur, and ``ipaddress`` is slow."""
    from ipaddress import IPv6Address  # on a cache miss only: a short run need not import it

    raw = pack(">4I", *unpack("<4I", bytes.fromhex(hexed)))
    address = IPv6Address(raw)
    mapped = address.ipv4_mapped
    return str(address) if mapped is None else f"::ffff:{mapped}"
