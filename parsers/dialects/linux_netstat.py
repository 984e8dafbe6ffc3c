"""Linux net-tools ``netstat``: connections, UNIX sockets, routes and interfaces.

Grammar: ``grammars/linux_netstat.lark``.

Values cut to their column's width are kept as printed and named in ``extra.cut``: without
``-W``/``--wide`` an endpoint is cut to 23 characters (net-tools' ``addr_do_one``: the address is
cut so that ``address:port`` fits, a service name to 18 characters), and ``PID/Program name`` to
19; a value that fills its column may have been cut, and is flagged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cached_property
from typing import Any, ClassVar

from ..model.addresses import split_colon
from ..model.protocols import protocol_words
from ..model.record import Record
from .base import CONTINUES, Dialect, RowError, Values
from .linux_proc_net import INODE_TWICE

_ENDPOINT_WIDTH = 23
"""net-tools' ``addr_do_one(..., short_len=22, ...)``: ``address:port`` in at most 23 characters."""
_SERVICE_WIDTH = _ENDPOINT_WIDTH - 5
"""A service name is cut to ``short_len - 4`` characters."""
_PROGRAM_WIDTH = 19
"""``PID/Program name`` is built in a buffer of ``PROGNAME_WIDTH`` (20) bytes."""
_BASE_PROTO = {word: found.protocol for word, found in protocol_words("linux-netstat").items()}
"""A printed protocol less its ``6`` -> the protocol (``protocols.tsv``)."""


class LinuxNetstat(Dialect):
    name = "linux-netstat"
    grammar = "linux_netstat"
    sections = ("inet", "unix", "route", "route6", "iface", "ifconfig", "bluetooth")
    priority = 10

    continuations = frozenset(("ifconfig_detail",))
    tables: ClassVar[Mapping[str, str]] = {"ifconfig": "iface"}
    table_fields = ("route_numbers", "iface_columns")
    route_numbers: tuple[str, ...] = ("mss", "window", "irtt")
    """The names of a route row's three numbers, after the header above."""
    iface_columns: tuple[str, ...] = (
        *("mtu", "rx_ok", "rx_err", "rx_drp", "rx_ovr"),
        *("tx_ok", "tx_err", "tx_drp", "tx_ovr"),
    )
    """The names of an interface row's numbers, after the header above."""
    _ifconfig: dict[str, Any] | None = None
    """The extra of the interface whose ifconfig block is being read."""

    @cached_property
    def wide(self) -> bool:
        """Whether the command asked for -W/--wide (addresses never cut); False when unknown."""
        words = (self.command or "").split()
        return "--wide" in words or any(w[:1] == "-" != w[1:2] and "W" in w for w in words)

    # -- lines that are no records (titles, warnings, other headers: the base's defaults) -----
    def blank(self) -> None:
        self._ifconfig = None  # a blank line ends an ifconfig block

    def unparsed(self, line: str) -> None:
        """After an unparsed line that may start an ifconfig block, the details below have none."""
        if not self.continues(line, self.continuations):
            self._ifconfig = None

    def route_header(self, values: Values) -> None:
        self.enter("route")
        metric_first = values[0].split()[4] == "Metric"
        self.route_numbers = ("metric", "ref", "use") if metric_first else ("mss", "window", "irtt")

    def iface_header(self, values: Values) -> None:
        self.enter("iface")
        self.iface_columns = tuple(c.lower().replace("-", "_") for c in values[0].split()[1:-1])

    # -- records -------------------------------------------------------------------------------
    def inet_row(self, v: Values) -> Record:
        """A socket: the hot path, built positionally (see ``Dialect.socket``)."""
        printed, recv_q, send_q, local, remote, state_raw, user, inode, program, timer = v
        proto = _BASE_PROTO[printed.rstrip("6")]
        numbered = state_raw is not None and state_raw.isdigit()
        if (proto == "raw") != numbered and (proto == "raw" or state_raw is not None):
            raise RowError(f"{printed} row with state {state_raw!r}")  # raw: a number, else a word
        lookup = "ip" if proto == "raw" else proto
        here, there = split_colon(local, lookup), split_colon(remote, lookup)
        v6 = (
            printed[-1] == "6"  # busybox prints "tcp" for both
            or (here[0] is not None and ":" in here[0])
            or (there[0] is not None and ":" in there[0])
        )
        pid, name = split_program(program)
        cut = (
            [*_cut("local", local), *_cut("remote", remote)]
            if _ENDPOINT_WIDTH in (len(local), len(remote)) and not self.wide
            else []
        )
        if program is not None and len(program.rstrip()) == _PROGRAM_WIDTH:
            cut.append("program")
        state = None
        if proto == "tcp" and state_raw is not None:
            state = self.tcp_states.get(state_raw) or self.tcp_state(state_raw)
        return Record(
            *self._labels,
            "socket",
            proto,
            6 if v6 else 4,
            *here,
            *there,
            state,
            state_raw,
            int(recv_q),
            int(send_q),
            pid,
            name,
            user,
            None if inode is None else int(inode),
            None if timer is None else parse_timer(timer),
            {"cut": cut} if cut else {},
            {"path": self.path, "member": self.member, "line": self.line},
        )

    def unix_row(self, v: Values) -> Record:
        refcnt, flags, kind, state_raw, inode, program, path = v
        pid, name = split_program(program)
        if path == inode:
            raise RowError(INODE_TWICE.format(inode))
        return self.record(
            proto="unix",
            local_address=path,
            state_raw=state_raw,
            pid=pid,
            program=name,
            inode=int(inode),
            extra={"refcnt": int(refcnt), "flags": flags[1:-1].split(), "type": kind},
        )

    def route_row(self, v: Values) -> Record:
        destination, gateway, genmask, flags, n1, n2, n3, iface, *more = v
        extra = {"destination": destination, "gateway": gateway, "genmask": genmask, "flags": flags}
        extra.update(zip(self.route_numbers, (int(n1), int(n2), int(n3))))
        extra["iface"] = iface
        if more[0] is not None:
            extra.update(zip(("mss", "window", "irtt"), map(int, more)))
        return self.record(kind="route", ip_version=4, extra=extra)

    def route6_row(self, v: Values) -> Record:
        destination, next_hop, flags, metric, ref, use, iface = v  # "!n -1 1 0 lo": metric -1
        extra = {
            "destination": destination,
            "next_hop": next_hop,
            "flags": flags,
            "metric": int(metric),
            "ref": int(ref),
            "use": int(use),
            "iface": iface,
        }
        return self.record(kind="route", ip_version=6, extra=extra)

    def iface_row(self, v: Values) -> Record:
        iface, *numbers, flags = v
        counts = [int(n) for n in numbers if n is not None]
        if len(counts) != len(self.iface_columns):
            raise RowError(f"{len(counts)} numbers where the header has {len(self.iface_columns)}")
        extra = {"iface": iface, **dict(zip(self.iface_columns, counts)), "flags": flags}
        return self.record(kind="interface", extra=extra)

    def ifconfig_head(self, v: Values) -> Record:
        name, _, rest = v[0].partition(": flags=")
        value, _, rest = rest.partition("<")
        flags, _, mtu = rest.partition(">")
        extra = {
            "iface": name,
            "flags": flags.split(",") if flags else [],
            "flags_value": int(value),
        }
        if mtu:
            extra["mtu"] = int(mtu.split()[1])
        self._ifconfig = extra
        return self.record(kind="interface", extra=extra)

    def ifconfig_detail(self, v: Values) -> object:
        """An indented ifconfig line of ``key value`` pairs; RX/TX lines prefix their keys.  A key
        seen before in the block, or a pair that is none: another block's line, or a mangled one."""
        if self._ifconfig is None:
            raise RowError("ifconfig detail line with no interface above it")
        words = _IFCONFIG_WORDS.findall(v[0])
        prefix = words.pop(0).lower() + "_" if words[0] in ("RX", "TX") else ""
        found: dict[str, Any] = {}
        if not words:
            raise RowError("an ifconfig line with no values")
        if words[0] == "loop":
            found["loopback"] = True
            words.pop(0)
        pairs = iter(words)
        for key in pairs:
            if key.startswith("("):
                if not key.endswith(")"):
                    raise RowError(f"unclosed {key!r}")
                if not prefix:  # "(Ethernet)" after txqueuelen; "(22.1 MiB)" after bytes is a copy
                    found["link_type"] = key[1:-1]
                continue
            value = next(pairs, None)
            name = prefix + key.lower()
            if (
                not (key.isalnum() and key[0].isalpha())
                or not value
                or value.isalpha()
                or value[0] == "("
            ):
                raise RowError(f"{key!r} {value!r} is no ifconfig key and value")
            if name in found or (name in self._ifconfig and name != "inet6"):
                raise RowError(f"a second {key!r} for interface {self._ifconfig['iface']!r}")
            found[name] = int(value) if value.isascii() and value.isdigit() else value
        if "inet6" in found:
            self._ifconfig.setdefault("inet6", []).append(found)
        else:
            self._ifconfig.update(found)
        return CONTINUES

    def bluetooth_row(self, v: Values) -> Record:
        proto, destination, source, state_raw, first, *rest = v
        if rest[0] is None:
            extra = {"channel": int(first)}
        else:
            extra = dict(
                zip(("psm", "dcid", "scid", "imtu", "omtu", "security"), (int(first), *rest))
            )
            extra.update(imtu=int(rest[2]), omtu=int(rest[3]))
        return self.record(
            proto=proto,
            local_address=source,
            remote_address=destination,
            state_raw=state_raw,
            extra=extra,
        )


_IFCONFIG_WORDS = re.compile(r"\([^()]*\)|\S+")


def _cut(side: str, text: str) -> list[str]:
    """The fields of an endpoint that fills its column (``local_address``...) and may be cut."""
    if len(text) != _ENDPOINT_WIDTH:
        return []
    port = text.rpartition(":")[2]
    cut = [f"{side}_address"]
    return [*cut, f"{side}_port"] if len(port) == _SERVICE_WIDTH else cut


def split_program(text: str | None) -> tuple[int | None, str | None]:
    """``"1234/sshd: user"`` -> (1234, "sshd: user"); ``"-"`` or nothing -> (None, None).  (Not
    cached: rows' pids vary.)"""
    if text is None or text == "-":
        return None, None
    pid, _, name = text.partition("/")
    return int(pid), name


def parse_timer(text: str) -> dict[str, Any]:
    """``"keepalive (7175.56/0/0)"`` -> name, seconds to expiry, retransmits, probes."""
    name, _, rest = text.partition(" (")
    expires, retransmits, probes = rest.rstrip(")").split("/")
    return {
        "name": name,
        "expires_s": float(expires),
        "retransmits": int(retransmits),
        "probes": int(probes),
    }
