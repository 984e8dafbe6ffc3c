"""``lsof -i``: the Internet sockets each process holds (Linux and macOS lsof alike).

Grammar: ``grammars/lsof.lark``.  One row per file descriptor, so a socket shared by several
processes (or descriptors) is one row each, as lsof prints it.  On Linux the DEVICE column is the
socket's inode (as ``ss -e`` and /proc/net show it); elsewhere a kernel address, kept in
``extra``.  lsof's ``\\xNN`` escapes in commands and user names are decoded.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from ..grammar.linegrammar import kept_regex
from ..model.addresses import Endpoint, plain_port, split_colon
from ..model.record import Record, record_maker
from .base import Dialect, FastRow, RowError
from .plain import colon, end

_ESCAPE = re.compile(r"\\x([2-6][0-9a-fA-F]|7[0-9a-eA-E])")
"""lsof's escape of a printable character (a space, as ``\\x20``); others stay as printed."""
_NONE = Endpoint(None, None, None, None)
_Values = tuple[str | None, int | None, str | None, str | None]
"""An endpoint's values (an ``Endpoint``, or a plain tuple of the same)."""


@cache
def _plain() -> Callable[[str], re.Match[str] | None]:
    """A row as most print it (``row``'s plain case): printable ASCII command and user, numbers
    of a few digits, TCP or UDP, one or two endpoints ``plain.colon`` takes, a state word or
    none.  Kept compiled (``kept_regex``)."""
    return kept_regex(
        r"([!-~]{1,64}+) {1,64}+([0-9]{1,10}+) {1,64}+([!-~]{1,64}+) {1,64}+"
        r"([0-9]{1,10}+[rwu-]?[NrRwWuUxX]?) {1,64}+(IPv[46]) {1,64}+([0-9]{1,19}+"
        r"|0x[0-9a-f]{1,16}+) {1,64}+(0t[0-9]{1,19}+|0x[0-9a-f]{1,16}+|[0-9]{1,19}+)"
        rf" {{1,64}}+(TCP|UDP) {{1,64}}+{colon()}(?:->{colon()})?"
        r"(?: {1,64}+\(([A-Z][A-Z0-9_]{0,31}+)\))? {0,64}+"
    ).fullmatch


_MAKE = record_maker(
    (
        *("dialect", "capture", "host", "captured_at", "meta", "kind", "proto", "ip_version"),
        *("local_address", "local_port", "local_interface"),
        *("remote_address", "remote_port", "remote_interface"),
        *("state", "state_raw", "pid", "program", "user", "inode", "extra", "source"),
        *("local_scope", "remote_scope"),
    )
)


class Lsof(Dialect):
    name = "lsof"
    grammar = "lsof"
    sections = ("sockets",)

    def header(self, values: list[str]) -> None:
        return None

    def warning(self, values: list[str]) -> None:
        return None

    def fast_row(self) -> FastRow:
        """``row``'s plain case in one step (see ``plain``): a TCP row with a state word in the
        table, a UDP row with none (else ``row`` reads the line, or says what is wrong)."""
        name, capture, host, captured_at, meta = self._labels
        states, path, member, make = self.tcp_states, self.path, self.member, _MAKE

        def build(found: re.Match[str], line: int) -> Record | None:
            groups = found.groups()
            command, pid, user, fd, family, device, size_off, printed = groups[:8]
            word = groups[20]
            if printed == "UDP":
                if word is not None:
                    return None
                state = None
            elif word is None or (state := states.get(word)) is None:
                return None
            la, lp, lz, ls = end(groups[8:14])
            ra, rp, rz, rs = _NO_END if groups[19] is None else end(groups[14:20])
            inode = int(device) if device.isdigit() else None
            extra = {"fd": fd, "type": family, "size_off": size_off}
            if inode is None:
                extra["device"] = device
            return make(
                name,
                capture,
                host,
                captured_at,
                meta,
                "socket",
                "tcp" if printed == "TCP" else "udp",
                6 if family == "IPv6" else 4,
                la,
                lp,
                lz,
                ra,
                rp,
                rz,
                state,
                word,
                int(pid),
                unescape(command) if "\\x" in command else command,
                unescape(user) if "\\x" in user else user,
                inode,
                extra,
                {"path": path, "member": member, "line": line},
                ls,
                rs,
            )

        return FastRow(_plain(), build)

    def row(self, v: list[Any]) -> Record:
        command, pid, user, fd, family, device, size_off, printed, name, state = v
        proto = printed.lower()
        local, arrow, remote = name.partition("->")
        if arrow and not remote:
            raise RowError(f"no remote address after '->' in {name!r}")
        if state is None:
            state_raw = tcp_state = None
        else:
            state_raw = state[1:-1]
            tcp_state = (
                (self.tcp_states.get(state_raw) or self.tcp_state(state_raw))
                if proto == "tcp"
                else None
            )
        inode = int(device) if device.isdigit() else None
        # split_colon's common case (10.0.0.1:22, plain_port) inline: a third of its time
        here: _Values
        there: _Values
        host, _, port = local.rpartition(":")
        number = plain_port(host, port)
        here = split_colon(local, proto) if number is None else (host, number, None, None)
        local_address, local_port, local_service, local_interface = here
        if not arrow:
            there = _NONE
        else:
            host, _, port = remote.rpartition(":")
            number = plain_port(host, port)
            there = split_colon(remote, proto) if number is None else (host, number, None, None)
        remote_address, remote_port, remote_service, remote_interface = there
        return Record(
            *self._labels,
            "socket",
            proto,
            6 if family == "IPv6" else 4,
            local_address,
            local_port,
            local_service,
            local_interface,
            remote_address,
            remote_port,
            remote_service,
            remote_interface,
            tcp_state,
            state_raw,
            None,
            None,
            int(pid),
            unescape(command) if "\\x" in command else command,
            unescape(user) if "\\x" in user else user,
            inode,
            None,
            {"fd": fd, "type": family, "size_off": size_off}
            if inode is not None
            else {"fd": fd, "type": family, "size_off": size_off, "device": device},
            {"path": self.path, "member": self.member, "line": self.line},
        )


_NO_END = (None, None, None, None)
"""No remote endpoint: its address, port, zone and scope."""


def unescape(text: str) -> str:
    """A command or user name with lsof's escapes of printable characters decoded."""
    return _ESCAPE.sub(_char, text)


def _char(m: re.Match[str]) -> str:
    """An lsof escape (``\\x20``) as its character."""
    return chr(int(m[1], 16))
