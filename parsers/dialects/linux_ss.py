"""Linux iproute2 ``ss``: sockets of every family, with ``-e/-i/-m/-o/-p`` details.

Grammar: ``grammars/linux_ss.lark``; detail fields: ``ss_fields.py``.

ss prints no Netid column when one kind of socket was asked for, and no State column with a state
filter.  The protocol then comes from the ``command`` hint (``ss -tan``), else from the evidence of
the table itself: from its first row in a state only TCP has (LISTEN, SYN-SENT, TIME-WAIT, ...), the
table's rows are TCP; rows before that evidence keep a null protocol.  Details only TCP prints are
evidence too: a ``timer:(on|keepalive|persist|timewait,...)`` and ``-i``'s congestion control and
``rtt:``, ``cwnd:``, ``mss:``... (on the row or its continuation line).

``ss -s`` prints a summary: its ``Total:`` line is its title, its other lines records of kind
``summary``, each with ``extra.summary`` naming the line (``tcp``, ``transport``), its counts typed
(``-``: None) and the title's.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from functools import cache
from typing import Any

from ..grammar.linegrammar import kept_regex
from ..model.addresses import Endpoint, ip_version, split_colon
from ..model.protocols import protocol_words
from ..model.record import Record, record_maker
from ..model.states import TCP_STATES
from .base import CONTINUES, Dialect, FastRow, RowError, Values
from .plain import colon, ends
from .ss_fields import parse_fields, usual_fields

_WORDS = protocol_words("linux-ss")
_NETIDS = {netid: word.protocol for netid, word in _WORDS.items()}
"""Netid -> protocol (``protocols.tsv``)."""
_SOCKET_TYPES = {netid: word.socket_type for netid, word in _WORDS.items() if word.socket_type}
_OPTION_PROTOCOLS = {
    "t": "tcp",
    "u": "udp",
    "w": "raw",
    "x": "unix",
    "S": "sctp",
    "d": "dccp",
    "M": "mptcp",
    "0": "packet",
    "--tcp": "tcp",
    "--udp": "udp",
    "--raw": "raw",
    "--unix": "unix",
    "--sctp": "sctp",
    "--dccp": "dccp",
    "--mptcp": "mptcp",
    "--packet": "packet",
    "--vsock": "vsock",
    "--xdp": "xdp",
}
_FAMILIES = frozenset(_NETIDS.values())
"""Protocol names ``-A``/``-f`` accept that name one protocol (``inet`` names several)."""
_NETLINK_FAMILIES = frozenset(
    (
        "rtnl",
        "unused",
        "usersock",
        "fw",
        "tcpdiag",
        "sock_diag",
        "nflog",
        "xfrm",
        "selinux",
        "iscsi",
        "audit",
        "fiblookup",
        "connector",
        "nft",
        "netfilter",
        "ip6fw",
        "dnrtmsg",
        "kobject_uevent",
        "uevent",
        "genl",
        "generic",
        "scsitransport",
        "ecryptfs",
        "rdma",
        "crypto",
        "smc",
    )
)
_FILTER_STATES = {
    "established": "ESTABLISHED",
    "syn-sent": "SYN-SENT",
    "syn-recv": "SYN-RECEIVED",
    "fin-wait-1": "FIN-WAIT-1",
    "fin-wait-2": "FIN-WAIT-2",
    "time-wait": "TIME-WAIT",
    "closed": "CLOSED",
    "close-wait": "CLOSE-WAIT",
    "last-ack": "LAST-ACK",
    "listening": "LISTEN",
    "closing": "CLOSING",
}
_TCP_ONLY = frozenset(w for w, s in TCP_STATES.items() if s not in ("ESTABLISHED", "CLOSED"))
"""Words of states only TCP has, as any system prints them: the table is TCP (and a word ss does
not print is refused as such, not read as no state)."""
_TCP_DETAILS = re.compile(
    r"(?<!\S)(?:timer:\((?:on|keepalive|persist|timewait),"
    r"|(?:rtt|rto|ato|cwnd|ssthresh|mss|advmss|rcvmss|pmtu|minrtt|unacked|retrans|bytes_acked"
    r"|segs_out|lastsnd|lastack|delivery_rate):"
    r"|(?:cubic|reno|bbr[23]?|dctcp|vegas|westwood|htcp|bic|illinois|hybla|highspeed|scalable"
    r"|veno|yeah|cdg)(?:\s|:|$))"
)
"""Detail fields only TCP sockets print: timers and ``-i``'s tcp_info (evidence of a TCP table)."""
_SUMMARY_PROTOS = {"RAW": "raw", "UDP": "udp", "TCP": "tcp"}
"""``ss -s`` transport rows naming one protocol (``*``, ``INET`` and ``FRAG`` name none)."""
_COUNTS = re.compile(r"([a-z]+) (\d+)(?:/(\d+))?")
_SHUTDOWN = frozenset(("<->", "<--", "-->", "---"))
_LINKS = frozenset(("netlink", "packet"))

_MAKE = record_maker(
    (
        *("dialect", "capture", "host", "captured_at", "meta", "kind", "proto", "ip_version"),
        *("local_address", "local_port", "local_interface"),
        *("remote_address", "remote_port", "remote_interface"),
        *("state", "state_raw", "recv_q", "send_q", "extra", "source"),
        *("local_scope", "remote_scope"),
    )
)


@cache
def _plain(netid: bool) -> Callable[[str], re.Match[str] | None]:
    """A TCP or UDP row as ss prints most (``inet_row``'s plain case): the Netid (or an empty
    group, under a header with none), State, the queues, two endpoints ``plain.colon`` takes,
    the details if any (beginning as the grammar's DETAILS do, up to the last character that is
    no space: greedy, a lazy ``*?`` costs as much as the rest of the regex); gaps and details
    bounded, so that a line the general path finds too long is left to it.  Kept compiled
    (``kept_regex``)."""
    return kept_regex(
        ("(tcp|udp) {1,256}+" if netid else "()")
        + r"([A-Z][A-Z0-9-]{1,10}+) {1,256}+([0-9]{1,10}+) {1,256}+([0-9]{1,10}+)"
        + rf" {{1,256}}+{colon()} {{1,256}}+{colon()}"
        + r"(?: {1,256}+([a-z<>-](?:[ -~]{0,4000}[!-~])?))? {0,256}+"
    ).fullmatch


class LinuxSs(Dialect):
    name = "linux-ss"
    grammar = "linux_ss"
    sections = ("sockets", "summary")
    priority = 10
    weak_kinds = frozenset(("details",))

    table_fields = ("table_proto", "columns", "sockets")
    columns: tuple[bool, bool] | None = None
    """Whether the header has a Netid and a State column (None: no header seen, ss -H)."""

    def __init__(self, path: str | None = None, command: str | None = None, **options: Any) -> None:
        super().__init__(path, command, **options)
        self.asked = protocol_from_command(command)
        self.filtered_state = state_from_command(command)
        self.table_proto = self.asked
        """The protocol of the table's rows: asked for, or revealed by a TCP-only state."""
        self.sockets: dict[str, int] = {}
        """``ss -s``: the summary's count of all sockets (its ``Total:`` line), else empty."""

    def header(self, values: Values) -> None:
        self.enter("sockets")
        self.table_proto = self.asked
        words = values[0].split()
        self.columns = (words[0] == "Netid", "State" in words[:2])

    def inet_row(self, v: Values) -> Record:
        netid, state_raw, recv_q, send_q, local, peer, details = v
        if netid is not None:
            proto: str | None = _NETIDS[netid]
        else:
            proto = self.table_proto or self._table_proto(state_raw)
        self._check_columns(netid, state_raw)
        if proto is None and details is not None and _TCP_DETAILS.search(details):
            proto = self.table_proto = "tcp"
        if proto in _LINKS or (proto is None and peer == "*" and local != "*"):
            record = self._link_row(proto, local, peer, state_raw, recv_q, send_q)
        else:
            state = None
            if proto == "tcp":
                state = self.tcp_state(state_raw) if state_raw else self.filtered_state
            lookup = "ip" if proto in ("raw", "icmp") else proto or ""
            here, there = split_colon(local, lookup), split_colon(peer, lookup)
            record = Record(  # positionally, as ``socket`` builds it: the hot path
                *self._labels,
                "socket",
                proto,
                ip_version(here[0]) or ip_version(there[0]),
                *here,
                *there,
                state,
                state_raw,
                int(recv_q),
                int(send_q),
                None,
                None,
                None,
                None,
                None,
                {},
                {"path": self.path, "member": self.member, "line": self.line},
            )
        return self._finish(record, netid, details)

    def fast_row(self) -> FastRow | None:
        """``inet_row``'s plain case in one step, under a header with a State column and a
        Netid column, or none in a table known to be TCP's or UDP's (see ``plain``): a TCP row
        with a state word ss prints, a UDP row in ``UNCONN`` or ``ESTAB``, details
        ``parse_fields`` reads (else ``inet_row`` reads the line, or says what is wrong)."""
        table = self.table_proto
        if not self.reads("inet_row") or not (
            self.columns == (True, True)
            or (self.columns == (False, True) and table in ("tcp", "udp"))
        ):
            return None
        name, capture, host, captured_at, meta = self._labels
        path, member, states = self.path, self.member, self.tcp_states
        types, make = _SOCKET_TYPES, _MAKE

        def build(found: re.Match[str], line: int) -> Record | None:
            groups = found.groups()
            printed, word, recv_q, send_q, details = groups[:4] + groups[16:]
            netid = printed or table
            if netid == "tcp":
                if (state := states.get(word)) is None:
                    return None
            elif word == "UNCONN" or word == "ESTAB":
                state = None
            else:
                return None
            version, la, lp, lz, ra, rp, rz, ls, rs = ends(groups[4:16])
            record = make(
                name,
                capture,
                host,
                captured_at,
                meta,
                "socket",
                netid,
                version,
                la,
                lp,
                lz,
                ra,
                rp,
                rz,
                state,
                word,
                int(recv_q),
                int(send_q),
                {},
                {"path": path, "member": member, "line": line},
                ls,
                rs,
            )
            if printed in types:
                record.extra["type"] = types[printed]
            if details is not None:
                try:
                    self._add_details(record, details)
                except RowError:
                    return None
            return record

        return FastRow(_plain(self.columns[0]), build)

    def unix_row(self, v: Values) -> Record:
        netid, state_raw, recv_q, send_q, path, inode, peer, peer_inode, details = v
        self._check_columns(netid, state_raw)
        record = self.socket(
            "unix",
            None,
            Endpoint(None if path == "*" else path, None, None, None),
            Endpoint(None if peer == "*" else peer, None, None, None),
            None,
            state_raw,
            int(recv_q),
            int(send_q),
            None,
            None,
            None,
            int(inode),
            None,
            {"peer_inode": int(peer_inode)},
        )
        return self._finish(record, netid, details)

    def unparsed(self, line: str) -> None:
        self._last = None

    def details(self, values: Values) -> object:
        last = self._last
        if last is None:
            raise RowError("detail line with no socket above it")
        if last.proto is None and last.kind == "socket" and _TCP_DETAILS.search(values[0]):
            last.proto = self.table_proto = "tcp"
            last.state = self.tcp_state(last.state_raw)
        self._add_details(last, values[0])
        return CONTINUES

    # -- ss -s ---------------------------------------------------------------------------------
    def summary_title(self, v: Values) -> None:
        """``Total: 5`` (older: ``Total: 1104 (kernel 1162)``): the sockets in all, which every
        record of the summary it opens carries (``extra.sockets``, ``extra.sockets_kernel``)."""
        self.enter("summary")
        counts = [int(n) for n in re.findall(r"\d+", v[0])]
        self.sockets = {"sockets": counts[0]}
        if len(counts) > 1:
            self.sockets["sockets_kernel"] = counts[1]

    def summary_tcp(self, v: Values) -> Record:
        """``TCP:   6 (estab 2, closed 2, orphaned 0, timewait 1)``; older ss adds ``synrecv``,
        ``timewait 1/0`` (sockets, then the slab's count: ``timewait_slab``) and ``ports``."""
        head, _, counts = v[0].partition("(")
        extra: dict[str, Any] = {"summary": "tcp", "total": int(head.split()[1])}
        for word, number, slab in _COUNTS.findall(counts):
            extra[word] = int(number)
            if slab:
                extra[f"{word}_slab"] = int(slab)
        return self.record(kind="summary", proto="tcp", extra=extra | self.sockets)

    def summary_row(self, v: Values) -> Record:
        """``TCP\t  4         3         1``: a transport's sockets in all, over IPv4, over IPv6."""
        transport, *counts = v
        total, ip, ipv6 = (None if n == "-" else int(n) for n in counts)
        extra = {"summary": "transport", "transport": transport, "total": total}
        extra |= {"ip": ip, "ipv6": ipv6, **self.sockets}
        return self.record(kind="summary", proto=_SUMMARY_PROTOS.get(transport), extra=extra)

    # -- helpers -------------------------------------------------------------------------------
    def _table_proto(self, state_raw: str | None) -> str | None:
        """The protocol of a row with no Netid: the table's, which a TCP-only state reveals."""
        if self.table_proto is None and state_raw in _TCP_ONLY:
            self.table_proto = "tcp"
        return self.table_proto

    def _check_columns(self, netid: str | None, state_raw: str | None) -> None:
        if self.columns is not None and self.columns != (netid is not None, state_raw is not None):
            raise RowError("the row's Netid and State columns are not the header's")

    def _link_row(
        self,
        proto: str | None,
        local: str,
        peer: str,
        state_raw: str | None,
        recv_q: str,
        send_q: str,
    ) -> Record:
        """netlink ``rtnl:python3/7276`` (family:process/pid); packet ``ip:eth0`` (proto:iface)."""
        first, _, second = local.partition(":")
        proto = proto or ("netlink" if first in _NETLINK_FAMILIES else "packet")
        interface = None if proto == "netlink" or second == "*" else second
        record = self.socket(
            proto,
            None,
            Endpoint(first, None, None, interface),
            Endpoint(None if peer == "*" else peer, None, None, None),
            None,
            state_raw,
            int(recv_q),
            int(send_q),
        )
        if proto == "netlink":
            name, _, pid = second.rpartition("/")
            number = pid.isascii() and pid.isdigit()
            if name or not number:
                record.program = name or pid
            if number:
                record.pid = int(pid)
        return record

    def _finish(self, record: Record, netid: str | None, details: str | None) -> Record:
        if netid in _SOCKET_TYPES:
            record.extra["type"] = _SOCKET_TYPES[netid]
        if details is not None:
            self._add_details(record, details)
        self._last = record
        return record

    def _add_details(self, record: Record, text: str) -> None:
        usual = usual_fields(text)
        if usual is not None:  # parse_fields's usual case, without its dict
            users, timer, uid, ino, sk, cgroup, v6only, arrow = usual
            extra = record.extra
            if users:
                record.pid, record.program = users[0]["pid"], users[0]["program"]
                extra["users"] = users
            if uid is not None:
                record.user = str(uid)
            if ino is not None:
                record.inode = ino
            if timer is not None:
                record.timer = timer
            if arrow is not None:
                extra["shutdown"] = arrow
            if sk is not None:
                extra["sk"] = sk
            if cgroup is not None:
                extra["cgroup"] = cgroup
            if v6only is not None:
                extra["v6only"] = v6only
            return
        try:
            fields = parse_fields(text)
        except ValueError as err:  # ss_fields.FieldError too
            raise RowError(f"malformed detail field: {err}") from None
        extra = record.extra
        users = fields.pop("users", None)
        if users:
            record.pid, record.program = users[0]["pid"], users[0]["program"]
            extra["users"] = users
        if "uid" in fields:
            record.user = str(fields.pop("uid"))
        if "ino" in fields:
            record.inode = fields.pop("ino")
        if "timer" in fields:
            record.timer = fields.pop("timer")
        flags = fields.pop("flags", None)
        if flags is not None:
            kept = []
            for flag in flags:
                if flag in _SHUTDOWN:
                    extra["shutdown"] = flag
                else:
                    kept.append(flag)
            if kept:
                extra.setdefault("flags", []).extend(kept)
        if fields:
            extra.update(fields)


def _words(command: str | None) -> list[str]:
    try:
        return shlex.split(command or "")
    except ValueError:
        return (command or "").split()


def state_from_command(command: str | None) -> str | None:
    """The one TCP state an ``ss ... state X`` filter keeps (it then prints no State column)."""
    words = _words(command)
    asked = [words[i + 1] for i, w in enumerate(words[:-1]) if w == "state"]
    asked = [w for w in asked if w in _FILTER_STATES]
    return _FILTER_STATES[asked[0]] if len(asked) == 1 else None


def protocol_from_command(command: str | None) -> str | None:
    """The one protocol an ``ss`` command line asks for (``ss -tan`` -> tcp), else None."""
    words = _words(command)
    found: set[str] = set()
    for i, word in enumerate(words):
        if word in _OPTION_PROTOCOLS:
            found.add(_OPTION_PROTOCOLS[word])
        elif word in ("-A", "--query", "-f", "--family") and i + 1 < len(words):
            found.update(w for w in words[i + 1].split(",") if w in _FAMILIES)
        elif word.startswith("-") and not word.startswith("--"):
            found.update(_OPTION_PROTOCOLS[c] for c in word[1:] if c in _OPTION_PROTOCOLS)
    return found.pop() if len(found) == 1 else None
