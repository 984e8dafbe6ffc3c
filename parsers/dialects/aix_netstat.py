"""AIX ``netstat -Aan``: FreeBSD's Internet and UNIX rows under AIX's headers.

Grammar: ``grammars/aix_netstat.lark``, importing its rows from ``grammars/bsd_netstat.lark``.
The Internet header's pointer column is ``PCB/ADDR`` (``extra.pcb``); its address titles are
18 wide but the addresses under them 21, so no port is taken for cut (unlike FreeBSD's -A).
``tcp`` and ``udp`` without a version stand beside ``tcp4`` and ``tcp6``: their addresses tell
the version when they can. A UNIX socket spans two lines: the row, whose first column is the
socket's address (``extra.address``), then the socket's PCB address alone (``extra.pcb``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..model.addresses import Endpoint
from .base import CONTINUES, RowError, Values
from .freebsd_netstat import FreebsdNetstat, dotted


class AixNetstat(FreebsdNetstat):
    name = "aix-netstat"
    grammar = "aix_netstat"
    sections: ClassVar[tuple[str, ...]] = ("inet", "unix")
    priority = 9
    """Below FreeBSD's and macOS's, which read AIX's Internet rows alike without a header."""
    INET_PREFIX: ClassVar[tuple[str, ...]] = ("PCB/ADDR",)
    weak_kinds = frozenset(("unix_pcb",))
    continuations = weak_kinds

    def cut_endpoint(self, text: str, proto: str, side: str, extra: dict[str, Any]) -> Endpoint:
        """AIX's addresses are never cut to the -A header's width: ``dotted``."""
        return dotted(text, proto)

    def unix_pcb(self, v: Values) -> object:
        """The PCB address of the UNIX socket above it."""
        last = self._last
        if last is None or last.proto != "unix" or "pcb" in last.extra:
            raise RowError("a PCB address with no UNIX socket above it")
        last.extra["pcb"] = v[0]
        return CONTINUES
