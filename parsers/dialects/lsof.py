"""``lsof -i``: the Internet sockets each process holds (Linux and macOS lsof alike).

Grammar: ``grammars/lsof.lark``.  One row per file descriptor, so a socket shared by several
processes (or descriptors) is one row each, as lsof prints it.  On Linux the DEVICE column is the
socket's inode (as ``ss -e`` and /proc/net show it); elsewhere a kernel address, kept in
``extra``.  lsof's ``\\xNN`` escapes in commands and user names are decoded.
"""

from __future__ import annotations

import re
from typing import Any

from ..model.addresses import Endpoint, split_colon
from ..model.record import Record
from .base import Dialect, RowError

_ESCAPE = re.compile(r"\\x([2-6][0-9a-fA-F]|7[0-9a-eA-E])")
"""lsof's escape of a printable character (a space, as ``\\x20``); others stay as printed."""
_NONE = Endpoint(None, None, None, None)


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
        here = split_colon(local, proto)
        there = split_colon(remote, proto) if arrow else _NONE
        state_raw = None if state is None else state[1:-1]
        extra: dict[str, Any] = {"fd": fd, "type": family, "size_off": size_off}
        if not device.isdigit():
            extra["device"] = device
        return self.socket(
            proto,
            6 if family == "IPv6" else 4,
            here,
            there,
            self.tcp_state(state_raw) if proto == "tcp" else None,
            state_raw,
            None,
            None,
            int(pid),
            _unescape(command),
            _unescape(user),
            int(device) if device.isdigit() else None,
            None,
            extra,
        )


def _unescape(text: str) -> str:
    """lsof's escapes of printable characters (``\\x20``) back to the characters."""
    if "\\x" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m[1], 16)), text)
