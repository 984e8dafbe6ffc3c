"""macOS ``netstat``: the FreeBSD dialect with Apple's columns and its system tables.

Grammar: ``grammars/macos_netstat.lark``, importing the rows it shares with FreeBSD from
``grammars/bsd_netstat.lark``. Differences from FreeBSD: -A
prints ``Socket`` and ``Flowhash`` (``extra.pcb``, ``extra.flowhash``); -b adds ``rxbytes`` and
``txbytes``; -v adds buffer sizes, ``pid``/``epid`` and two hex columns, the socket's so_state
and so_options flags (``extra.socket_state``, ``extra.socket_options``: NOT the TCP state);
macOS 13 and later add ``gencnt flags flags1 usecnt rtncnt fltrs`` (13-14 spell it ``usscnt``),
macOS 15 prints -b's byte counts with -v, and macOS 26 prints ``process:pid`` for ``pid epid``
(the name goes to ``program``; it may hold spaces).  Grepped rows with no header above are read
by the shape of their values (``GREPPED``).
Besides the Internet and UNIX ("LOCAL") tables, macOS prints tables of its own, read as records
of their own kind: Multipath connections ("mptcp", "mptcp-subflow"), "kernel-control-module",
"kernel-event" and "kernel-control".
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, ClassVar

from ..model.record import Record
from .base import CONTINUES, RowError, Values
from .freebsd_netstat import Column, FreebsdNetstat, Tail, dotted, split_proto, tail_of, typed


def _hex(text: str) -> int:
    """A number printed with ``%x`` or ``%#x``: hex digits after an optional ``0x`` (``int``
    would also take a sign or ``_``, which no such column prints)."""
    if _HEX.fullmatch(text) is None:
        raise ValueError(text)
    return int(text, 16)


_HEX = re.compile(r"(?:0x)?[0-9a-fA-F]+")


def _process(text: str) -> tuple[str | None, int]:
    """``Autodesk Fusion:22712`` -> (name, pid); the name is None where none was printed."""
    name, colon, pid = text.rpartition(":")
    if not colon or "  " in name.strip():  # spaces between two columns: a column moved
        raise ValueError(text)
    return name.strip() or None, int(pid)


def _module_columns(columns: dict[str, Column], text: str) -> list[Column]:
    return _known(columns, text.split()[:-1])


def _system_columns(columns: dict[str, Column], text: str) -> list[Column]:
    words = text.split()
    return _known(columns, [w for w in words[words.index("Proto") + 1 :] if w != "name"])


def _known(columns: dict[str, Column], words: list[str]) -> list[Column]:
    """The columns a header's words name; RowError for a word that names none."""
    unknown = [w for w in words if w not in columns]
    if unknown:
        raise RowError(f"unknown column {unknown[0]!r}")
    return [columns[w] for w in words]


class MacosNetstat(FreebsdNetstat):
    name = "macos-netstat"
    grammar = "macos_netstat"
    sections = ("inet", "mptcp", "unix", "kctl_module", "kevt", "kctl", "iface", "route")
    priority = 10

    INET_PREFIX: ClassVar[tuple[str, ...]] = ("Socket", "Flowhash")
    INET_TAIL: ClassVar[dict[str, Column]] = {
        "rxbytes": ("rxbytes", int),
        "txbytes": ("txbytes", int),
        "rhiwat": ("rhiwat", int),
        "shiwat": ("shiwat", int),
        "pid": ("pid", int),
        "epid": ("epid", int),
        # macOS 26: the process name (may hold spaces) and pid, in one column
        "process:pid": ("process:pid", _process),
        "state": ("socket_state", _hex),
        "options": ("socket_options", _hex),
        "gencnt": ("gencnt", _hex),  # with flags...fltrs: macOS 13 and later
        "flags": ("flags", _hex),
        "flags1": ("flags1", _hex),
        "usecnt": ("usecnt", int),
        "usscnt": ("usecnt", int),  # so spelt by macOS 13 and 14
        "rtncnt": ("rtncnt", int),
        "fltrs": ("fltrs", _hex),
    }
    TCP_ONLY: ClassVar[frozenset[str]] = frozenset()
    weak_kinds = frozenset(("mptcp_detail",))
    continuations = weak_kinds
    table_fields = (*FreebsdNetstat.table_fields, "_columns", "_shape")
    SYSTEM_COLUMNS: ClassVar[dict[str, Column]] = {
        "Recv-Q": ("recv_q", int),
        "Send-Q": ("send_q", int),
        "pid": ("pid", int),
        "vendor": ("vendor", int),
        "class": ("class", int),
        "subcla": ("subclass", int),
        "unit": ("unit", int),
        "id": ("id", int),
        "rxbytes": ("rxbytes", int),
        "txbytes": ("txbytes", int),
        "rhiwat": ("rhiwat", int),
        "shiwat": ("shiwat", int),
        "epid": ("epid", int),
    }
    """Columns of the kernel event and kernel control tables: header word -> (key, type)."""
    MODULE_COLUMNS: ClassVar[dict[str, Column]] = {
        "kctlref": ("kctlref", str),
        "id": ("id", _hex),
        "unit": ("unit", int),
        "flags": ("flags", _hex),
        "pcbcount": ("pcbcount", int),
        "rcvbuf": ("rcvbuf", int),
        "sndbuf": ("sndbuf", int),
    }
    """Columns of the registered kernel control modules (id and flags printed in hex)."""
    _RECORD_FIELDS = frozenset(("recv_q", "send_q", "pid"))
    _columns: dict[str, list[Column]] = {  # noqa: RUF012 (replaced, never changed)
        "kctl_module": _module_columns(MODULE_COLUMNS, "id flags pcbcount rcvbuf sndbuf name"),
        "kevt": _system_columns(SYSTEM_COLUMNS, "Proto Recv-Q Send-Q vendor class subcla"),
        "kctl": _system_columns(SYSTEM_COLUMNS, "Proto Recv-Q Send-Q unit id name"),
    }
    """The columns of the kernel tables' rows, after the headers above (a new dict each)."""
    _mptcp: Record | None = None
    """The Multipath connection whose subflows follow (None after an unparsed line)."""

    # -- titles and headers (others: the base's defaults, and FreeBSD's methods) ----------------
    def mptcp_header(self, v: Values) -> None:
        self._mptcp = None
        self.enter("mptcp")

    def unparsed(self, line: str) -> None:
        super().unparsed(line)
        self._mptcp = None  # the subflows below may be a rejected connection's

    def kctl_module_header(self, v: Values) -> None:
        self._learn("kctl_module", _module_columns(self.MODULE_COLUMNS, v[0]))

    def kevt_header(self, v: Values) -> None:
        text = v[0].replace("subclarhiwat", "subcla rhiwat")
        self._learn("kevt", _system_columns(self.SYSTEM_COLUMNS, text))

    def kctl_header(self, v: Values) -> None:
        self._learn("kctl", _system_columns(self.SYSTEM_COLUMNS, v[0]))

    def _learn(self, table: str, columns: list[Column]) -> None:
        self._columns = {**self._columns, table: columns}
        self.enter(table)

    GREPPED: ClassVar[tuple[tuple[str, str], ...]] = (
        (
            r"(?:\d+ +){3}\d+ 0x[0-9a-f]{4} +0x[0-9a-f]{8}",
            "rhiwat shiwat pid epid state options",
        ),
        (
            r"(?:\d+ +){3}\d+ [0-9a-f]{5} +[0-9a-f]{8} +[0-9a-f]{16} +[0-9a-f]{8} +[0-9a-f]{8}"
            r" +-?\d+ +-?\d+ +[0-9a-f]{6}",
            "rhiwat shiwat pid epid state options gencnt flags flags1 usecnt rtncnt fltrs",
        ),
        (
            r"(?:\d+ +){5}\d+ [0-9a-f]{5} +[0-9a-f]{8} +[0-9a-f]{16} +[0-9a-f]{8} +[0-9a-f]{8}"
            r" +-?\d+ +-?\d+ +[0-9a-f]{6}",
            "rxbytes txbytes rhiwat shiwat pid epid state options gencnt flags flags1 usecnt"
            " rtncnt fltrs",
        ),
        (
            r"(?:\d+ +){3}\d+ (?:(?=[^:]{16}:) *|(?=[^:]{17,31}:))(?:[^ :](?: ?[^ :])*)?"
            r":(?=[\d ]{6} [0-9a-f]{5} )\d+ +[0-9a-f]{5} +[0-9a-f]{8} +[0-9a-f]{16}"
            r" +[0-9a-f]{8} +[0-9a-f]{8} +-?\d+ +-?\d+ +[0-9a-f]{6}",
            "rxbytes txbytes rhiwat shiwat process:pid state options gencnt flags flags1"
            " usecnt rtncnt fltrs",
        ),
    )
    """The columns after the state of a row with no header above (grepped), by the shape of
    its values as printed (regexes, compiled when first needed by ``_grepped``): -v of macOS
    12; of macOS 13-14; of macOS 15; of macOS 26, whose process name before ``:pid`` may hold
    spaces.  Not -b's two counts: a -v row cut short looks the same.  Where one release's row
    less a column would look like another's, the printed widths tell them apart (network_cmds'
    printf formats): ``epid`` (``%6d``) meets the socket state with one space; macOS 26 prints
    `` %16s:%-6u `` (network_cmds-741 main.c), the name right-aligned in 16 characters one
    space after ``shiwat`` (a longer name, at most 31, pushes the colon right), the pid
    left-aligned in 6.  So a deleted or moved column does not pass for another release's
    layout."""

    _shape: re.Pattern[str] | None = None
    """The shape of the values after the state under the header above, when its columns are
    one release's -v layout: a row that does not have it is refused (a column moved)."""

    def inet_header(self, v: Values) -> None:
        self._shape = None
        super().inet_header(v)
        self._shape = _shapes().get(tuple(key for _, key, _ in self._tail_tcp))

    def inet_row(self, v: Values) -> Record:
        shape, tail = self._shape, v[9]
        if shape is not None and tail is not None and shape.fullmatch(tail) is None:
            raise RowError("values not where the header prints them: a column moved")
        return super().inet_row(v)

    def guess_tail(self, tail: str) -> Tail:
        for shape, names in _grepped():
            if shape.fullmatch(tail):
                return tail_of([self.INET_TAIL[name] for name in names.split()])
        return super().guess_tail(tail)

    # -- records -------------------------------------------------------------------------------
    def mptcp_row(self, v: Values) -> Record:
        ident, flags, state_raw = v
        mpte_flags, mp_flags = flags.split("/")
        extra = {
            "id": int(ident.split("/")[1]),
            "mpte_flags": _hex(mpte_flags),
            "flags": _hex(mp_flags),
        }
        self._mptcp = self.record(kind="mptcp", proto="mptcp", state_raw=state_raw, extra=extra)
        return self._mptcp

    def mptcp_subflow(self, v: Values) -> Record:
        ident, flags, local, remote, state_raw = v
        printed, _, cid = ident.partition("/")
        _, version = split_proto(printed)
        here, there = dotted(local, "tcp"), dotted(remote, "tcp")
        extra: dict[str, Any] = {"subflow_id": int(cid), "flags": _hex(flags)}
        if self._mptcp is not None:
            extra["mptcp_id"] = self._mptcp.extra["id"]
        state = self.tcp_state(state_raw)
        return self.socket(
            "tcp", int(version), here, there, state, state_raw, extra=extra, kind="mptcp-subflow"
        )

    def mptcp_detail(self, v: Values) -> object:
        """``[tok(0x..) snd(0x..) rcv(0x..) aid(1)]`` or ``[relseq(0001), err(0)]``: name(value)."""
        if self._last is None or not self._last.kind.startswith("mptcp"):
            raise RowError("detail line with no Multipath connection above it")
        for item in v[0][1:-1].replace(",", " ").split():
            key, _, value = item.partition("(")
            value = value.rstrip(")")
            if key in self._last.extra:
                raise RowError(f"a second {key!r} for one Multipath connection")
            self._last.extra[key] = typed(_hex if value.startswith("0x") else int, value, key)
        return CONTINUES

    def kctl_module_row(self, v: Values) -> Record:
        *fields, name = v
        extra = self._typed("kctl_module", fields)
        extra["name"] = name
        return self.record(kind="kernel-control-module", extra=extra)

    def kevt_row(self, v: Values) -> Record:
        pcb, *fields = v
        return self._system_record("kernel-event", "kevt", pcb, fields, {})

    def kctl_row(self, v: Values) -> Record:
        pcb, *fields, name = v
        return self._system_record("kernel-control", "kctl", pcb, fields, {"name": name})

    def _system_record(
        self, kind: str, proto: str, pcb: str | None, fields: Values, more: dict[str, Any]
    ) -> Record:
        values = self._typed(proto, fields)
        extra = {} if pcb is None else {"pcb": pcb}
        extra.update((k, v) for k, v in values.items() if k not in self._RECORD_FIELDS)
        extra.update(more)
        typed = {k: v for k, v in values.items() if k in self._RECORD_FIELDS}
        return self.record(kind=kind, proto=proto, **typed, extra=extra)

    def _typed(self, section: str, fields: Values) -> dict[str, Any]:
        """The row's values named and typed by the header's columns; RowError on a bad count."""
        values = [f for f in fields if f is not None]
        columns = self._columns[section]
        if len(values) != len(columns):
            raise RowError(f"{len(values)} values where the header has {len(columns)}")
        return {key: typed(kind, v, key) for (key, kind), v in zip(columns, values, strict=True)}


@cache
def _grepped() -> tuple[tuple[re.Pattern[str], str], ...]:
    """``GREPPED``, compiled (3 ms: not at import)."""
    return tuple((re.compile(shape), names) for shape, names in MacosNetstat.GREPPED)


@cache
def _shapes() -> dict[tuple[str, ...], re.Pattern[str]]:
    """The ``GREPPED`` shapes by the keys of their columns."""
    tail = MacosNetstat.INET_TAIL
    return {tuple(tail[name][0] for name in names.split()): shape for shape, names in _grepped()}
