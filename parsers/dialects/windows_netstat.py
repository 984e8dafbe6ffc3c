"""Windows ``netstat``: the Active Connections table (-a -n -o -q), with -b/-v owner lines.

Grammar: ``grammars/windows_netstat.lark``.  Input is text (decoding the console code page or
UTF-16 is done before); titles and headers are recognised in several UI languages, and German
state words (``ABHÖREN``), also as mangled by a wrong code page, map through the state table.
"""

from __future__ import annotations

from ..addresses import ip_version, split_colon
from ..record import Record
from .base import CONTINUES, Dialect, RowError, endpoint_fields


class WindowsNetstat(Dialect):
    name = "windows-netstat"
    grammar = "windows_netstat"
    sections = ("connections",)
    weak_kinds = frozenset(("owner_exe", "owner_service", "owner_component"))

    def __init__(self, path: str | None = None, command: str | None = None) -> None:
        super().__init__(path, command)
        self._last: Record | None = None

    # -- lines that are no records ------------------------------------------------------------
    def title(self, values: list) -> None:
        self._last = None

    def header(self, values: list) -> None:
        self._last = None

    def warning(self, values: list) -> None:
        return None

    # -- records -------------------------------------------------------------------------------
    def row(self, v: list) -> Record:
        printed, local, remote, state_raw, pid = v
        proto = printed.lower()
        here, there = split_colon(local, proto), split_colon(remote, proto)
        if proto == "udp" and state_raw is not None:
            raise RowError(f"UDP row with a state {state_raw!r}")
        self._last = self.record(
            proto=proto,
            ip_version=ip_version(here.address) or ip_version(there.address),
            **endpoint_fields(here, there),
            state=self.tcp_state(state_raw),
            state_raw=state_raw,
            pid=None if pid is None else int(pid),
        )
        return self._last

    # -- -b / -v owner lines: they complete the row above ---------------------------------------
    def owner_exe(self, v: list) -> object:
        owner = self._owner()
        if owner.program is not None or owner.extra.get("owner_unavailable"):
            raise RowError("a second owner for one connection")
        owner.program = v[0][1:-1]
        return CONTINUES

    def owner_service(self, v: list) -> object:
        owner = self._owner()
        if "service" in owner.extra:
            raise RowError("a second service for one connection")
        owner.extra["service"] = v[0]
        return CONTINUES

    def owner_component(self, v: list) -> object:
        self._owner().extra.setdefault("components", []).append(v[0])
        return CONTINUES

    def unknown_component(self, v: list) -> object:
        self._owner().extra["unknown_components"] = True
        return CONTINUES

    def no_owner(self, v: list) -> object:
        owner = self._owner()
        if owner.program is not None:
            raise RowError("ownership unavailable for a connection with an owner")
        owner.extra["owner_unavailable"] = True
        return CONTINUES

    def _owner(self) -> Record:
        if self._last is None:
            raise RowError("owner line with no connection above it")
        return self._last
