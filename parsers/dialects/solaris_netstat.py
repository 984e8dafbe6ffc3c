"""Solaris / illumos ``netstat``: UDP, TCP, SCTP and UNIX domain socket tables.

Grammar: ``grammars/solaris_netstat.lark``.  Covers the classic layout (Solaris 10, 11.0, illumos
before 2018) and the newer illumos one (6-wide windows, aligned UNIX table, ``-u`` columns).
Rows with no title above (grepped from several tables at once) take their IP version from their
addresses.  Values cut to their column's width are kept as printed and named in ``extra.cut``:
-u's User (8 characters) and Command (14) when they fill their column, and the IPv6 UDP table's
``Unknown St`` (``Unknown State(n)`` cut to 10).
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from ..model.addresses import Endpoint, ip_version
from ..model.record import Record
from .base import NO_ENDPOINT, Dialect, RowError, Values
from .freebsd_netstat import dotted

_SOCKETPAIR = "(socketpair)"
_CLASSIC_BLANK = " " * 15
"""A classic UNIX row prints an absent path as 15 spaces, a socketpair as " (socketpair)  "."""
_DOTTED_QUAD = re.compile(r"(?:[\w:]*:)?\d+\.\d+\.\d+\.\d+")
_POINTER = re.compile(r"[0-9a-f]+")
_WIDTHS = (("user", 8), ("program", 14))
"""-u's columns printed ``%-8.8s`` and ``%-14.14s``: cut to these widths."""
_KNOWN = frozenset((
    "Local Address", "Remote Address", "User", "Pid", "Command", "Swind", "Send-Q", "Rwind",
    "Recv-Q", "StrsI/O", "State", "If",
))  # fmt: skip
"""The column names of the headers this dialect knows."""
_DASHES = re.compile(r"-+")
_WORD = re.compile(r"\S+")


class Layout(NamedTuple):
    """A table under a header with a column this dialect does not know (``columns``)."""

    proto: str
    header: str
    columns: tuple[tuple[str, int, int], ...] = ()
    """Each column's name and where the rule under the header prints its dashes; empty before
    the rule."""


class SolarisNetstat(Dialect):
    name = "solaris-netstat"
    grammar = "solaris_netstat"
    sections = ("udp", "tcp", "sctp", "unix", "columns")
    priority = 10
    weak_kinds = frozenset(("column_row",))

    table_fields = ("ip_version", "unix_aligned", "unix_users", "layout")
    ip_version: int | None = None
    """The IP version the title above names (``TCP: IPv6``); None before one."""
    unix_aligned = False
    """True under the illumos UNIX header, whose columns have fixed widths."""
    unix_users: bool | None = None
    """Whether the UNIX header above is -u's (Type User Pid Command ...); None before one."""
    layout: Layout | None = None
    """The table under a header naming a column this dialect does not know; None elsewhere."""

    def enter(self, section: str) -> None:
        super().enter(section)
        if section != "columns":
            self.layout = None

    # -- lines that are no records (the known headers: the base's defaults) --------------------
    def title(self, values: Values) -> None:
        self.opened("title", values)
        text = values[0]
        # "TCP"/"UDP" alone: inet_type v4compat mode, which prints the IPv4 tables only
        self.ip_version = 6 if text.endswith("IPv6") else 4 if text[:3] in ("TCP", "UDP") else None

    def unix_header(self, values: Values) -> None:
        self.enter("unix")
        self.unix_aligned = values[0].endswith("Address")
        self.unix_users = values[0].startswith("Type")

    def other_header(self, values: Values) -> None:
        words = values[0].split()
        if self.table in ("udp", "tcp", "sctp"):
            proto = self.table
        else:  # no title above (grepped), or another such header
            proto = "sctp" if "StrsI/O" in words else "tcp" if "Swind" in words else "udp"
        self.enter("columns")
        self.layout = Layout(proto, self.text)

    def rule(self, values: Values) -> None:
        """The dashes under a header: under another header, they place its columns."""
        if self.table != "columns" or self.layout is None or self.layout.columns:
            return
        spans = [(m.start(), m.end()) for m in _DASHES.finditer(self.text)]
        header = self.layout.header
        ends = [start for start, _ in spans[1:]] + [len(header)]
        names = [header[start:end].strip() for (start, _), end in zip(spans, ends)]
        names = [name or f"column {n}" for n, name in enumerate(names, 1)]
        names = [  # a name printed twice: the second is told apart, so no value is lost
            name if name not in names[:n] else f"{name} (column {n + 1})"
            for n, name in enumerate(names)
        ]
        self.layout = self.layout._replace(columns=tuple(zip(names, *zip(*spans))))
        unknown = [name for name in names if name not in _KNOWN]
        if unknown:
            self.notice("columns this dialect does not know, kept as printed", columns=unknown)

    # -- records -------------------------------------------------------------------------------
    def udp_row(self, v: Values) -> Record:
        local, remote, user, pid, program, state_raw, iface = v
        if (remote is not None) != (state_raw == "Connected"):
            raise RowError("a UDP remote address is printed when, and only when, Connected")
        here = dotted(local, "udp")._replace(interface=iface)
        there = dotted(remote, "udp")._replace(interface=None) if remote else NO_ENDPOINT
        return self.socket(
            "udp",
            self.ip_version or ip_version(here.address) or ip_version(there.address),
            here,
            there,
            None,
            state_raw,
            None,
            None,
            *_process(user, pid, program),
            extra=_cut(user, program, state_raw == "Unknown St"),
        )

    def tcp_row(self, v: Values) -> Record:
        local, remote, user, pid, program, swind, send_q, rwind, recv_q, state_raw, iface = v
        if self.table is None and _at_sctp_widths(self.text, local, remote):
            raise RowError("a TCP row at SCTP's column widths: an SCTP row with a column missing")
        here = dotted(local, "tcp")._replace(interface=iface)
        there = dotted(remote, "tcp")._replace(interface=None)
        state = None if state_raw.startswith("Unknown") else self.tcp_state(state_raw)
        return self.socket(
            "tcp",
            self.ip_version or ip_version(here.address) or ip_version(there.address),
            here,
            there,
            state,
            state_raw,
            int(recv_q),
            int(send_q),
            *_process(user, pid, program),
            extra={"swind": int(swind), "rwind": int(rwind), **_cut(user, program)},
        )

    def sctp_row(self, v: Values) -> Record:
        local, remote, swind, send_q, rwind, recv_q, streams, user, pid, program, state_raw = v
        here, there = split_sctp(local), split_sctp(remote)
        streams_in, _, streams_out = streams.partition("/")
        extra = {
            "swind": int(swind),
            "rwind": int(rwind),
            "streams_in": int(streams_in),
            "streams_out": int(streams_out),
            **_cut(user, program),
        }
        return self.socket(
            "sctp",
            ip_version(here.address) or ip_version(there.address) or self.ip_version,
            here._replace(interface=None),
            there._replace(interface=None),
            None,
            state_raw,
            int(recv_q),
            int(send_q),
            *_process(user, pid, program),
            extra=extra,
        )

    def column_row(self, v: Values) -> Record:
        """A row under another header, cut at the positions of the rule under it."""
        layout = self.layout
        if layout is None or not layout.columns:
            raise RowError("no dashed rule under the header to place its columns")
        cells = dict(zip((c[0] for c in layout.columns), cut_columns(self.text, layout.columns)))
        local, remote = cells.get("Local Address"), cells.get("Remote Address")
        if local is None:
            raise RowError("no value under the Local Address column")
        proto, state_raw = layout.proto, cells.get("State")
        if state_raw is None and "State" in cells:
            raise RowError("no value under the State column")
        split = split_sctp if proto == "sctp" else lambda text: dotted(text, proto)
        here = split(local)._replace(interface=cells.get("If"))
        there = split(remote)._replace(interface=None) if remote else NO_ENDPOINT
        state = None
        if proto == "tcp" and state_raw is not None and not state_raw.startswith("Unknown"):
            state = self.tcp_state(state_raw)
        number = {name: _number(cells, name) for name in ("Swind", "Send-Q", "Rwind", "Recv-Q")}
        extra: dict[str, Any] = {
            key: number[name] for key, name in (("swind", "Swind"), ("rwind", "Rwind"))
            if number[name] is not None
        }  # fmt: skip
        streams = cells.get("StrsI/O")
        if streams is not None:
            streams_in, slash, streams_out = streams.partition("/")
            if not (slash and streams_in.isdigit() and streams_out.isdigit()):
                raise RowError(f"StrsI/O {streams!r} is no in/out pair of numbers")
            extra.update(streams_in=int(streams_in), streams_out=int(streams_out))
        user, pid, program = cells.get("User"), _number(cells, "Pid"), cells.get("Command")
        extra.update(_cut(user, program))
        extra.update((name, value) for name, value in cells.items() if name not in _KNOWN)
        return self.socket(
            proto,
            self.ip_version or ip_version(here.address) or ip_version(there.address),
            here,
            there,
            state,
            state_raw,
            number["Recv-Q"],
            number["Send-Q"],
            pid,
            program,
            user,
            extra=extra,
        )

    def unix_row(self, v: Values) -> Record:
        address, kind, vnode, tail = v
        self._layout(tail, users=False)
        local: str | None
        remote: str | None
        if self.unix_aligned:  # %-16.16s conn, then two %-39.39s paths
            conn, local, remote = fixed_width(tail, 16, 39)
        else:
            conn, _, rest = tail.partition(" ")
            local, remote = split_classic_paths(rest)
        if not _POINTER.fullmatch(conn):
            raise RowError(f"Conn {conn!r} is no kernel address")
        extra = {"address": address, "type": kind, "vnode": _vnode(vnode), "conn": _vnode(conn)}
        return self._unix(local, remote, extra)

    def unix_user_row(self, v: Values) -> Record:
        kind, user, pid, tail = v  # %-14.14s command, then two %-39.39s paths
        self._layout(tail, users=True)
        command, local, remote = fixed_width(tail, 14, 39)
        extra = {"type": kind, **_cut(user, command)}
        return self._unix(local, remote, extra, user=user, pid=int(pid), program=command or None)

    # -- helpers -------------------------------------------------------------------------------
    def _layout(self, tail: str, *, users: bool) -> None:
        """RowError unless a UNIX row has the layout of the header above (-u or not), and no tab
        in the columns it decodes by their widths."""
        if self.unix_users is not None and users != self.unix_users:
            raise RowError("a UNIX row of another layout than its header's")
        if "\t" in tail:
            raise RowError("a tab among fixed-width columns")

    def _unix(
        self, local: str | None, remote: str | None, extra: dict[str, Any], **fields: object
    ) -> Record:
        if any(
            _POINTER.fullmatch(word)
            for path in (local, remote)
            for word in (path or "").split()[:1]
        ):
            raise RowError("a kernel address where a path is printed")
        if local == _SOCKETPAIR or remote == _SOCKETPAIR:
            extra["socketpair"] = True
            local = None if local == _SOCKETPAIR else local
            remote = None if remote == _SOCKETPAIR else remote
        return self.record(
            proto="unix",
            local_address=local or None,
            remote_address=remote or None,
            extra=extra,
            **fields,
        )


def cut_columns(line: str, columns: tuple[tuple[str, int, int], ...]) -> list[str | None]:
    """The value under each column (None where blank), as printed with the spaces between its
    words.  Read as printf prints: a value begins at or after its column's start, and one wider
    than its column pushes the columns after it right by as much."""
    spans: dict[int, tuple[int, int]] = {}
    shift = at = 0
    for found in _WORD.finditer(line):
        start, end = found.span()
        while at + 1 < len(columns) and start >= columns[at + 1][1] + shift:
            at += 1
        spans[at] = (spans[at][0] if at in spans else start, end)
        shift = max(shift, end - columns[at][2])
    return [line[slice(*spans[n])] if n in spans else None for n in range(len(columns))]


def _number(cells: dict[str, str | None], name: str) -> int | None:
    """The number under ``name`` (None where blank or absent); RowError when it is none."""
    text = cells.get(name)
    if text is None:
        return None
    if not text.isdigit():
        raise RowError(f"{name} {text!r} is no number")
    return int(text)


def _process(
    user: str | None, pid: str | None, program: str | None
) -> tuple[int | None, str | None, str | None]:
    """The -u columns (pid, program, user) as record fields (None when absent)."""
    if user is None:
        return None, None, None
    return int(pid), program, user  # type: ignore[arg-type]


def _cut(user: str | None, program: str | None, state: bool = False) -> dict[str, Any]:
    """``extra.cut``: the -u columns that fill their width (and so may be cut), and the state
    when it is printed cut; empty when none is."""
    printed = {"user": user, "program": program}
    cut = [name for name, width in _WIDTHS if len(printed[name] or "") == width]
    if state:
        cut.append("state_raw")
    return {"cut": cut} if cut else {}


SCTP_ADDRESS_WIDTH = 31
"""SCTP rows print their addresses ``%-31s``; TCP's ``%-20s`` (IPv4) and ``%-33s`` (IPv6)."""


def _at_sctp_widths(line: str, local: str, remote: str) -> bool:
    """Whether a row's remote address begins where an SCTP row's does (after a local address
    padded to SCTP's width, which neither TCP layout pads to): a grepped row with no title above
    that is shaped as TCP but printed as SCTP is an SCTP row with a column missing."""
    end = line.find(local) + len(local)
    return end < SCTP_ADDRESS_WIDTH and line.find(remote, end) == SCTP_ADDRESS_WIDTH + 1


def fixed_width(tail: str, *widths: int) -> list[str]:
    """The stripped columns of ``tail``: one of each width then the rest, each followed by one
    space; RowError when a column overflows its width (a column missing before it)."""
    columns, at = [], 0
    for width in widths:
        if tail[at + width : at + width + 1] not in ("", " "):
            raise RowError(f"a value wider than its column at {tail[at : at + width + 1]!r}")
        columns.append(tail[at : at + width].strip())
        at += width + 1
    return [*columns, tail[at:].strip()]


def _vnode(text: str) -> str | None:
    """A kernel vnode address; the null one (``00000000``, illumos ``0000000``) is None."""
    return None if not text.strip("0") else text


def split_sctp(text: str) -> Endpoint:
    """An SCTP endpoint: ``addr.port``, or the bare address when the port is 0 (``0.0.0.0``)."""
    if _DOTTED_QUAD.fullmatch(text):
        return Endpoint(text, None, None, None)
    return dotted(text, "sctp")


def split_classic_paths(rest: str) -> tuple[str | None, str | None]:
    """The local and remote paths of a classic UNIX row, after Conn and its space.

    Each side is ``"%s "`` with the path, 15 spaces when there is none, or ``" (socketpair)  "``;
    RowError when the remote path holds a run of spaces (a column doubled or moved).
    """
    if rest.startswith(" " + _SOCKETPAIR):
        local, rest = _SOCKETPAIR, rest[15:]
    elif rest.startswith(_CLASSIC_BLANK) or not rest.strip():
        local, rest = None, rest[15:]
    else:
        local, _, rest = rest.partition(" ")
    remote = rest.strip() or None
    if remote is not None and "  " in remote:
        raise RowError(f"columns where a path is printed: {remote!r}")
    return local, remote
