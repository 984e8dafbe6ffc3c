"""Windows ``netstat``: the Active Connections table (-a -n -o -q), with -b/-v owner lines.

Grammar: ``grammars/windows_netstat.lark``.  Input is text (decoding the console code page or
UTF-16 is done before); titles and headers are recognised in several UI languages, and German
state words (``ABHÖREN``), also as mangled by a wrong code page, map through the state table.
``-t`` adds each TCP connection's offload state (``InHost``...), kept in ``extra.offload_state``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, cached_property

from ..grammar.linegrammar import kept_regex
from ..model.addresses import ip_version, split_colon
from ..model.record import Record, record_maker
from .base import CONTINUES, Dialect, FastRow, RowError, Values
from .plain import colon, ends


@cache
def _plain() -> Callable[[str], re.Match[str] | None]:
    """A row as most print it (``row``'s plain case): TCP or UDP, two endpoints (``plain.COLON``),
    an ASCII state word, a PID; no offload state.  Kept compiled (``kept_regex``)."""
    return kept_regex(
        rf" {{0,8}}+(TCP|UDP) {{1,64}}+{colon()} {{1,64}}+{colon()}"
        r"(?: {1,64}+([A-Z][A-Z0-9_]{0,31}+))?(?: {1,64}+([0-9]{1,10}+))? {0,64}+"
    ).fullmatch


_MAKE = record_maker(
    (
        *("dialect", "capture", "host", "captured_at", "meta", "kind", "proto", "ip_version"),
        *("local_address", "local_port", "local_interface"),
        *("remote_address", "remote_port", "remote_interface"),
        *("state", "state_raw", "pid", "extra", "source", "local_scope", "remote_scope"),
    )
)


class WindowsNetstat(Dialect):
    name = "windows-netstat"
    grammar = "windows_netstat"
    sections = ("connections",)
    weak_kinds = frozenset(("owner_exe", "owner_service", "owner_component"))
    continuations = frozenset((*weak_kinds, "unknown_component", "no_owner"))

    @cached_property
    def owners(self) -> bool:
        """Whether owner lines may appear: only ``-b`` prints them (so without the command)."""
        flags = "".join(w[1:] for w in (self.command or "").split() if w[:1] in "-/")
        return self.command is None or "b" in flags.lower()

    # -- lines that are no records: after a title or header, owner lines have no connection ---
    def title(self, values: Values) -> None:
        self._last = None

    header = title

    # -- records -------------------------------------------------------------------------------
    def row(self, v: Values) -> Record:
        """A connection: the hot path, its Record built positionally (see ``Dialect.socket``)."""
        printed, local, remote, state_raw, pid, offload = v
        proto = printed.lower()
        here, there = split_colon(local, proto), split_colon(remote, proto)
        if proto == "udp" and (state_raw or offload) is not None:
            raise RowError(f"UDP row with a state {state_raw or offload!r}")
        if offload is not None and state_raw is None:
            raise RowError(f"an offload state {offload!r} with no TCP state")
        return Record(
            *self._labels,
            "socket",
            proto,
            ip_version(here[0]) or ip_version(there[0]),
            *here,
            *there,
            None
            if state_raw is None
            else self.tcp_states.get(state_raw) or self.tcp_state(state_raw),
            state_raw,
            None,
            None,
            None if pid is None else int(pid),
            None,
            None,
            None,
            None,
            {} if offload is None else {"offload_state": offload},
            {"path": self.path, "member": self.member, "line": self.line},
        )

    def fast_row(self) -> FastRow:
        """``row``'s plain case in one step (see ``plain``): a UDP row with no state, a TCP row
        with a known state word or none (else ``row`` reads the line, or says what is wrong)."""
        name, capture, host, captured_at, meta = self._labels
        states, path, member, make = self.tcp_states, self.path, self.member, _MAKE

        def build(found: re.Match[str], line: int) -> Record | None:
            groups = found.groups()
            printed, word, pid = groups[0], groups[13], groups[14]
            if word is None:
                state = None
            elif printed == "UDP" or (state := states.get(word)) is None:
                return None
            version, la, lp, lz, ra, rp, rz, ls, rs = ends(groups[1:13])
            return make(
                name,
                capture,
                host,
                captured_at,
                meta,
                "socket",
                "tcp" if printed == "TCP" else "udp",
                version,
                la,
                lp,
                lz,
                ra,
                rp,
                rz,
                state,
                word,
                None if pid is None else int(pid),
                {},
                {"path": path, "member": member, "line": line},
                ls,
                rs,
            )

        return FastRow(_plain(), build)

    # -- -b / -v owner lines: they complete the row above ---------------------------------------
    def owner_exe(self, v: Values) -> object:
        owner = self._owner(closing=True)
        if owner.program is not None or owner.extra.get("owner_unavailable"):
            raise RowError("a second owner for one connection")
        owner.program = v[0][1:-1]
        return CONTINUES

    def owner_service(self, v: Values) -> object:
        owner = self._owner()
        if "service" in owner.extra:
            raise RowError("a second service for one connection")
        owner.extra["service"] = v[0]
        return CONTINUES

    def owner_component(self, v: Values) -> object:
        self._owner().extra.setdefault("components", []).append(v[0])
        return CONTINUES

    def unknown_component(self, v: Values) -> object:
        self._owner().extra["unknown_components"] = True
        return CONTINUES

    def no_owner(self, v: Values) -> object:
        owner = self._owner(closing=True)
        if owner.program is not None:
            raise RowError("ownership unavailable for a connection with an owner")
        owner.extra["owner_unavailable"] = True
        return CONTINUES

    def _owner(self, closing: bool = False) -> Record:
        """The connection above; its owner lines end with the ``closing`` one (the executable or
        no-owner line), so a line below that belongs to another connection."""
        if not self.owners:
            raise RowError("owner line in output of a command without -b")
        if self._last is None:
            raise RowError("owner line with no connection above it")
        closed = self._last.program is not None or self._last.extra.get("owner_unavailable")
        if closed and not closing:
            raise RowError("owner line below the connection's executable")
        return self._last
