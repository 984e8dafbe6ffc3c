"""``lsof -i``: the Internet sockets each process holds (Linux and macOS lsof alike).

Grammar: ``grammars/lsof.lark``.  One row per file descriptor, so a socket shared by several
processes (or descriptors) is one row each, as lsof prints it.  On Linux the DEVICE column is the
socket's inode (as ``ss -e`` and /proc/net show it); elsewhere a kernel address, kept in
``extra``.  lsof's ``\\xNN`` escapes in commands and user names are decoded.
"""

from __future__ import annotations

import re
from typing import Any

from ..model.addresses import Endpoint, plain_port, split_colon
from ..model.record import Record
from .base import Dialect, RowError

_ESCAPE = re.compile(r"\\x([2-6][0-9a-fA-F]|7[0-9a-eA-E])")
"""lsof's escape of a printable character (a space, as ``\\x20``); others stay as printed."""
_NONE = Endpoint(None, None, None, None)
_Values = tuple[str | None, int | None, str | None, str | None]
"""An endpoint's values (an ``Endpoint``, or a plain tuple of the same)."""


class Lsof(Dialect):
    name = "lsof"
    grammar = "lsof"
    sections = ("sockets",)

    def header(self, values: list[str]) -> None:
        return None

    def warning(self, values: list[str]) -> None:
        return None

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


def unescape(text: str) -> str:
    """A command or user name with lsof's escapes of printable characters decoded."""
    return _ESCAPE.sub(_char, text)


def _char(m: re.Match[str]) -> str:
    """An lsof escape (``\\x20``) as its character."""
    return chr(int(m[1], 16))
